/* HoSo — bảng nhập điểm (grade-entry grid).
 *
 * Keyboard navigation (arrows, Enter, Tab, Home/End), paste of a block copied from Excel,
 * a quick check of each value with the rule set's Vietnamese messages, and autosave with a
 * visible state per cell and for the sheet. A save that fails is never dropped: it stays in a
 * queue (mirrored in localStorage, so a reload keeps it) and is retried with backoff; a
 * conflict shows the value saved elsewhere and asks. No dependencies.
 */
(function () {
  "use strict";

  var table = document.querySelector("table[data-grid]");
  if (!table) return;

  var SAVE_URL = table.getAttribute("data-save-url");
  var SAVE_MANY_URL = table.getAttribute("data-save-many-url");
  var BATCH_SIZE = 100; // cells per request when a pasted block is saved
  var DATE_URL = table.getAttribute("data-test-date-url");
  var CSRF = table.getAttribute("data-csrf") || readCookie("csrftoken");
  var STORE = "hoso.grid.unsaved." + table.getAttribute("data-sheet");
  var DEBOUNCE_MS = 700;
  var MAX_BACKOFF_MS = 30000;

  var statusEl = document.getElementById("grid-status");
  var messageEl = document.getElementById("grid-message");
  var problemsEl = document.getElementById("grid-problems");

  function readCookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  // ---- the matrix of cells -------------------------------------------------------------------
  var cells = Array.prototype.slice.call(table.querySelectorAll("[data-cell]"));
  var grid = [];
  var nCols = 0;
  cells.forEach(function (el) {
    var r = +el.getAttribute("data-row");
    var c = +el.getAttribute("data-col");
    (grid[r] = grid[r] || [])[c] = el;
    if (c + 1 > nCols) nCols = c + 1;
    el.setAttribute("data-saved", el.value);
  });
  var nRows = grid.length;

  function at(r, c) {
    return grid[r] ? grid[r][c] : undefined;
  }
  function rowOf(el) {
    return +el.getAttribute("data-row");
  }
  function colOf(el) {
    return +el.getAttribute("data-col");
  }
  function writable(el) {
    return !!el && !el.disabled;
  }
  function keyOf(el) {
    return el.getAttribute("data-student") + ":" + el.getAttribute("data-column");
  }
  function cellFor(student, column) {
    for (var i = 0; i < cells.length; i++) {
      var el = cells[i];
      if (el.getAttribute("data-student") === String(student) && el.getAttribute("data-column") === column) return el;
    }
    return null;
  }

  function focusCell(el) {
    if (!el) return false;
    el.focus();
    if (typeof el.select === "function") el.select();
    var td = el.closest("td");
    if (td && td.scrollIntoView) td.scrollIntoView({ block: "nearest", inline: "nearest" });
    return true;
  }

  /** The next writable cell from (r, c) stepping by (dr, dc); null at the edge. */
  function step(r, c, dr, dc) {
    r += dr;
    c += dc;
    while (r >= 0 && r < nRows && c >= 0 && c < nCols) {
      var el = at(r, c);
      if (writable(el)) return el;
      r += dr;
      c += dc;
    }
    return null;
  }
  /** Reading order: the next (or previous) writable cell, wrapping rows. */
  function nextInOrder(el, back) {
    var i = rowOf(el) * nCols + colOf(el);
    var total = nRows * nCols;
    for (i += back ? -1 : 1; i >= 0 && i < total; i += back ? -1 : 1) {
      var cand = at(Math.floor(i / nCols), i % nCols);
      if (writable(cand)) return cand;
    }
    return null;
  }
  function edgeOfRow(r, last) {
    for (var k = 0; k < nCols; k++) {
      var c = last ? nCols - 1 - k : k;
      if (writable(at(r, c))) return at(r, c);
    }
    return null;
  }
  function edgeOfSheet(last) {
    for (var k = 0; k < nRows; k++) {
      var found = edgeOfRow(last ? nRows - 1 - k : k, last);
      if (found) return found;
    }
    return null;
  }

  function caretAtStart(el) {
    return el.selectionStart === 0 && (el.selectionEnd === 0 || el.selectionEnd === el.value.length);
  }
  function caretAtEnd(el) {
    var n = el.value.length;
    return el.selectionEnd === n && (el.selectionStart === n || el.selectionStart === 0);
  }

  table.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!el.hasAttribute || !el.hasAttribute("data-cell")) return;
    var isText = el.tagName === "TEXTAREA";
    var r = rowOf(el);
    var c = colOf(el);
    var target = null;
    var handled = true;
    switch (ev.key) {
      case "ArrowUp":
        if (isText && !caretAtStart(el)) return;
        target = step(r, c, -1, 0);
        break;
      case "ArrowDown":
        if (isText && !caretAtEnd(el)) return;
        target = step(r, c, 1, 0);
        break;
      case "ArrowLeft":
        if (!caretAtStart(el)) return;
        target = step(r, c, 0, -1);
        break;
      case "ArrowRight":
        if (!caretAtEnd(el)) return;
        target = step(r, c, 0, 1);
        break;
      case "Enter":
        // Comments are kept on one line (the server joins lines), so Enter moves as in a cell.
        target = step(r, c, ev.shiftKey ? -1 : 1, 0);
        if (!target) flush(el); // last row: save now, stay
        break;
      case "Tab":
        target = nextInOrder(el, ev.shiftKey);
        if (!target) return; // leave the grid as the browser would
        break;
      case "Home":
        if (isText && !caretAtStart(el)) return; // inside a comment: the caret moves
        target = ev.ctrlKey ? edgeOfSheet(false) : edgeOfRow(r, false);
        break;
      case "End":
        if (isText && !caretAtEnd(el)) return;
        target = ev.ctrlKey ? edgeOfSheet(true) : edgeOfRow(r, true);
        break;
      case "Escape":
        if (el.value !== el.getAttribute("data-saved")) {
          el.value = el.getAttribute("data-saved");
          discard(el);
        }
        break;
      default:
        handled = false;
    }
    if (!handled) return;
    ev.preventDefault();
    if (target) focusCell(target);
  });

  table.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (!el.hasAttribute || !el.hasAttribute("data-cell")) return;
    if (el.tagName !== "TEXTAREA") el.select();
    var e = queue[keyOf(el)];
    if (e && e.message) say(e.message, false);
  });

  // ---- quick check: the rule set's messages, before a round trip ------------------------------
  var NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;
  var ALIASES = {
    comment: { d: "D", dat: "D", cd: "CD", "chua dat": "CD" },
    level: { t: "T", h: "H", c: "C", htt: "T", ht: "H", cht: "C" }
  };
  var ALLOWED = { comment: "Đ (Đạt) / CĐ (Chưa đạt)", level: "T / H / C" };

  function fold(s) {
    return s
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }
  function clean(s) {
    return s.normalize("NFC").replace(/\s+/g, " ").trim();
  }
  /** A number as the server writes it in messages: "8.25" → "8,25", "011" → "11". */
  function shown(text) {
    var s = text.replace(",", ".").replace(/^\+/, "");
    var neg = s.charAt(0) === "-";
    if (neg) s = s.slice(1);
    var parts = s.split(".");
    var whole = parts[0].replace(/^0+(?=\d)/, "") || "0";
    var frac = parts[1] || "";
    return (neg ? "-" : "") + whole + (frac ? "," + frac : "");
  }
  /** null when fine, else the Vietnamese message the server would give. */
  function check(kind, raw) {
    var text = clean(raw);
    if (text === "" || kind === "text") return null;
    if (kind === "score" || kind === "test") {
      if (!NUMBER.test(text)) return "“" + text + "” không phải là điểm số.";
      var s = text.replace(",", ".");
      var n = parseFloat(s.charAt(0) === "." || s.slice(0, 2) === "-." ? s.replace(".", "0.") : s);
      var show = shown(text);
      if (n < 0 || n > 10) return "Điểm " + show + " nằm ngoài thang điểm 0–10.";
      var frac = (s.split(".")[1] || "").replace(/0+$/, "");
      if (frac.length > 1)
        return "Điểm " + show + " có quá một chữ số thập phân (chỉ lấy đến một chữ số thập phân).";
      if (kind === "test" && frac.length > 0)
        return "Điểm bài kiểm tra định kì " + show + " phải là số nguyên từ 0 đến 10.";
      return null;
    }
    var table_ = ALIASES[kind];
    if (!table_) return null;
    if (table_[fold(text)]) return null;
    return "“" + text + "” không phải là mức đánh giá hợp lệ (" + ALLOWED[kind] + ").";
  }

  // ---- messages and states ------------------------------------------------------------------
  function say(text, info) {
    if (!messageEl) return;
    if (!text) {
      messageEl.hidden = true;
      messageEl.textContent = "";
      return;
    }
    messageEl.textContent = text;
    messageEl.className = "grid-message" + (info ? " info" : "");
    messageEl.hidden = false;
  }

  var STATE_MARK = { saving: "…", saved: "✓", failed: "✗", invalid: "✗", "": "" };
  var STATE_TITLE = { saving: "Đang lưu…", saved: "Đã lưu", "": "" };
  function setCellState(el, state, message) {
    var td = el.closest("td");
    if (!td) return;
    if (state) td.setAttribute("data-state", state);
    else td.removeAttribute("data-state");
    var mark = td.querySelector(".cell-state");
    if (mark) mark.textContent = STATE_MARK[state] || "";
    var title = message || STATE_TITLE[state] || "";
    td.title = title;
    if (state === "invalid" || state === "failed") el.setAttribute("aria-invalid", "true");
    else el.removeAttribute("aria-invalid");
    el.setAttribute("aria-description", title);
  }

  // ---- the save queue -----------------------------------------------------------------------
  // key → {el, value, state: pending|saving|retry|invalid|refused|conflict, message, attempts,
  //        timer, inflight, server}
  var queue = {};
  var MAX_PARALLEL = 4;
  var active = 0; // requests in flight
  var waiting = []; // entries waiting for a free slot

  function persist() {
    var out = {};
    Object.keys(queue).forEach(function (k) {
      var e = queue[k];
      out[k] = { value: e.value, version: e.el.getAttribute("data-version") };
    });
    try {
      if (Object.keys(out).length) localStorage.setItem(STORE, JSON.stringify(out));
      else localStorage.removeItem(STORE);
    } catch (err) {
      /* private mode or full: the queue in memory still holds everything */
    }
  }

  function entryFor(el) {
    var k = keyOf(el);
    if (!queue[k]) queue[k] = { el: el, attempts: 0, state: "pending", message: "" };
    return queue[k];
  }

  function discard(el) {
    var k = keyOf(el);
    var e = queue[k];
    if (e && e.timer) clearTimeout(e.timer);
    delete queue[k];
    setCellState(el, "");
    say("");
    persist();
    render();
  }

  /** The cell changed: check it, then save after a pause (or now). */
  function edited(el, now) {
    var value = el.value;
    var problem = check(el.getAttribute("data-kind"), value);
    var e;
    if (problem) {
      e = entryFor(el);
      if (e.timer) clearTimeout(e.timer);
      e.timer = null;
      e.value = value;
      e.state = "invalid";
      e.message = problem;
      setCellState(el, "invalid", problem);
      say(el.getAttribute("data-label") + ": " + problem);
      persist();
      render();
      return;
    }
    var k = keyOf(el);
    if (value === el.getAttribute("data-saved") && !(queue[k] && queue[k].inflight)) {
      if (queue[k]) discard(el);
      return;
    }
    e = entryFor(el);
    e.value = value;
    e.message = "";
    if (!e.inflight) e.state = "pending";
    if (messageEl && !messageEl.hidden && document.activeElement === el) say("");
    if (e.timer) clearTimeout(e.timer);
    e.timer = null;
    if (now) send(e);
    else
      e.timer = setTimeout(function () {
        send(e);
      }, DEBOUNCE_MS);
    persist();
    render();
  }

  function flush(el) {
    var e = queue[keyOf(el)];
    if (e && e.state === "pending" && e.timer) send(e);
  }

  function send(e) {
    if (e.timer) clearTimeout(e.timer);
    e.timer = null;
    if (e.inflight) {
      e.again = true;
      return;
    }
    if (e.state === "invalid") return;
    if (active >= MAX_PARALLEL) {
      // A pasted block can hold hundreds of cells: send a few at a time, in order.
      e.state = "pending";
      if (waiting.indexOf(e) < 0) waiting.push(e);
      render();
      return;
    }
    active++;
    e.inflight = true;
    e.again = false;
    e.state = "saving";
    var sent = e.value;
    var el = e.el;
    setCellState(el, "saving");
    render();
    var body = JSON.stringify({
      student: el.getAttribute("data-student"),
      column: el.getAttribute("data-column"),
      value: sent,
      version: el.getAttribute("data-version")
    });
    fetch(SAVE_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": CSRF },
      body: body
    })
      .then(function (resp) {
        return resp
          .json()
          .catch(function () {
            return null;
          })
          .then(function (data) {
            return { status: resp.status, data: data };
          });
      })
      .then(
        function (r) {
          e.inflight = false;
          active--;
          answered(e, sent, r.status, r.data);
          pump();
        },
        function () {
          e.inflight = false;
          active--;
          retryLater(e, "Mất kết nối với máy chủ — sẽ tự thử lại.");
          pump();
        }
      );
  }

  function pump() {
    while (active < MAX_PARALLEL && waiting.length) {
      var ready = [];
      while (waiting.length && ready.length < BATCH_SIZE) {
        var next = waiting.shift();
        if (queue[keyOf(next.el)] === next && !next.inflight && next.state !== "invalid") ready.push(next);
      }
      if (ready.length === 1 || !SAVE_MANY_URL) ready.forEach(send);
      else if (ready.length) sendBatch(ready);
    }
  }

  /** Save many cells in one request (a pasted block); each cell gets its own answer. */
  function sendBatch(entries) {
    active++;
    var sent = [];
    var payload = entries.map(function (e) {
      if (e.timer) clearTimeout(e.timer);
      e.timer = null;
      e.inflight = true;
      e.again = false;
      e.state = "saving";
      sent.push(e.value);
      setCellState(e.el, "saving");
      return {
        student: e.el.getAttribute("data-student"),
        column: e.el.getAttribute("data-column"),
        value: e.value,
        version: e.el.getAttribute("data-version")
      };
    });
    render();
    function settle(fn) {
      active--;
      entries.forEach(function (e, i) {
        e.inflight = false;
        fn(e, i);
      });
      pump();
    }
    fetch(SAVE_MANY_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": CSRF },
      body: JSON.stringify({ cells: payload })
    })
      .then(function (resp) {
        return resp
          .json()
          .catch(function () {
            return null;
          })
          .then(function (data) {
            return { status: resp.status, data: data };
          });
      })
      .then(
        function (r) {
          var ok = r.status === 200 && r.data && r.data.ok && r.data.cells && r.data.cells.length === entries.length;
          settle(function (e, i) {
            if (!ok) {
              if (r.status === 200 || r.status === 403)
                retryLater(e, "Phiên làm việc có thể đã hết hạn — hãy đăng nhập lại (mở tab mới); thay đổi vẫn được giữ và sẽ thử lại.");
              else retryLater(e, "Máy chủ chưa lưu được (mã " + r.status + ") — sẽ tự thử lại.");
              return;
            }
            var answer = r.data.cells[i];
            var row = r.data.results[e.el.getAttribute("data-student")];
            if (answer.ok && row) {
              answer.result = row.result;
              answer.errors = row.errors;
            }
            answered(e, sent[i], answer.status, answer);
          });
        },
        function () {
          settle(function (e) {
            retryLater(e, "Mất kết nối với máy chủ — sẽ tự thử lại.");
          });
        }
      );
  }

  function answered(e, sent, status, data) {
    var el = e.el;
    var k = keyOf(el);
    if (queue[k] !== e) return; // discarded meanwhile
    if (status === 200 && data && data.ok) {
      el.setAttribute("data-version", String(data.version));
      updateResult(el, data.result, data.errors || []);
      if (e.value === sent && !e.again) {
        el.setAttribute("data-saved", data.value);
        if (el.value === sent) el.value = data.value;
        delete queue[k];
        setCellState(el, "saved");
        e.attempts = 0;
      } else {
        e.state = "pending"; // typed again while saving: send the newer value
        send(e);
      }
    } else if (status === 409 && data && data.code) {
      e.state = "conflict";
      e.server = data.current || { value: "", version: 0 };
      e.message =
        "Ô này vừa được lưu ở nơi khác với giá trị “" + (e.server.value || "(trống)") + "”. Giữ giá trị nào?";
      setCellState(el, "failed", e.message);
      say(el.getAttribute("data-label") + ": " + e.message);
    } else if ((status === 400 || status === 403 || status === 404) && data && data.code) {
      e.state = data.code === "OUT_OF_RANGE" || data.code === "BAD_PRECISION" || data.code === "BAD_INPUT" || data.code === "UNKNOWN_LEVEL" ? "invalid" : "refused";
      e.message = data.message || "Không lưu được.";
      setCellState(el, "failed", e.message);
      say(el.getAttribute("data-label") + ": " + e.message);
    } else if (status === 200 || status === 403) {
      // A login page, or a refused CSRF token: the session needs attention; keep and retry.
      retryLater(e, "Phiên làm việc có thể đã hết hạn — hãy đăng nhập lại (mở tab mới); thay đổi vẫn được giữ và sẽ thử lại.");
      return;
    } else {
      retryLater(e, "Máy chủ chưa lưu được (mã " + status + ") — sẽ tự thử lại.");
      return;
    }
    persist();
    render();
  }

  function retryLater(e, message) {
    var k = keyOf(e.el);
    if (queue[k] !== e) return;
    e.attempts += 1;
    e.state = "retry";
    e.message = message;
    var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, e.attempts - 1));
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(function () {
      send(e);
    }, delay);
    setCellState(e.el, "failed", message);
    persist();
    render();
  }

  window.addEventListener("online", function () {
    Object.keys(queue).forEach(function (k) {
      if (queue[k].state === "retry") send(queue[k]);
    });
  });

  function updateResult(el, result, errors) {
    var tr = el.closest("tr");
    var td = tr && tr.querySelector("[data-result]");
    if (!td) return;
    td.textContent = result || "";
    if (errors.length) {
      var warn = document.createElement("span");
      warn.className = "result-warn";
      warn.textContent = " ⚠";
      warn.setAttribute("aria-label", errors.join(" · "));
      td.appendChild(warn);
    }
    td.title = errors.join(" · ");
  }

  // ---- the column counters ------------------------------------------------------------------
  // "n/active" in each column head and on its finalise button: the students still in the class
  // (rows marked data-active) whose saved value in that column is not empty — the definition the
  // page is rendered with (views.sheet), applied to what the server answered since.
  var progressEls = Array.prototype.slice.call(document.querySelectorAll("[data-progress]"));
  function recount() {
    var counts = {};
    var activeRows = table.querySelectorAll("tbody tr[data-active]").length;
    cells.forEach(function (el) {
      var key = el.getAttribute("data-column");
      if (!(key in counts)) counts[key] = 0;
      if (el.closest("tr").hasAttribute("data-active") && el.getAttribute("data-saved") !== "") counts[key]++;
    });
    progressEls.forEach(function (span) {
      var key = span.getAttribute("data-progress");
      if (key in counts) span.textContent = counts[key] + "/" + activeRows;
    });
  }

  // ---- the sheet's status and the list of cells that need attention -------------------------
  function render() {
    recount();
    var keys = Object.keys(queue);
    var waiting = 0;
    var retrying = 0;
    var stuck = [];
    keys.forEach(function (k) {
      var s = queue[k].state;
      if (s === "retry") retrying++;
      if (s === "pending" || s === "saving") waiting++;
      if (s === "retry" || s === "invalid" || s === "refused" || s === "conflict") stuck.push(queue[k]);
    });
    if (statusEl) {
      var text;
      var cls;
      if (!keys.length) {
        text = "Đã lưu tất cả";
        cls = "ok";
      } else if (retrying) {
        text = keys.length + " ô chưa lưu — đang thử lại";
        cls = "err";
      } else if (stuck.length) {
        text = keys.length + " ô chưa lưu — cần sửa";
        cls = "err";
      } else {
        text = "Đang lưu " + waiting + " ô…";
        cls = "warn";
      }
      statusEl.textContent = text;
      statusEl.className = "badge grid-status " + cls;
    }
    if (!problemsEl) return;
    problemsEl.textContent = "";
    stuck.forEach(function (e) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#";
      link.textContent = e.el.getAttribute("data-label");
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        focusCell(e.el);
      });
      li.appendChild(link);
      li.appendChild(document.createTextNode(" (“" + e.value + "”): " + e.message));
      if (e.state === "conflict") {
        li.appendChild(button("Giữ giá trị của tôi", function () {
          e.el.setAttribute("data-version", String(e.server.version));
          e.state = "pending";
          send(e);
        }));
        li.appendChild(button("Lấy giá trị mới", function () {
          e.el.value = e.server.value;
          e.el.setAttribute("data-saved", e.server.value);
          e.el.setAttribute("data-version", String(e.server.version));
          discard(e.el);
        }));
      } else if (e.state === "retry") {
        li.appendChild(button("Thử lại ngay", function () {
          send(e);
        }));
      } else {
        li.appendChild(button("Bỏ thay đổi", function () {
          e.el.value = e.el.getAttribute("data-saved");
          discard(e.el);
        }));
      }
      problemsEl.appendChild(li);
    });
    problemsEl.hidden = stuck.length === 0;
  }

  function button(label, onclick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = label;
    b.addEventListener("click", onclick);
    return b;
  }

  // ---- typing, leaving a cell, pasting ------------------------------------------------------
  table.addEventListener("input", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-cell")) edited(ev.target, false);
  });
  table.addEventListener("change", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-cell")) edited(ev.target, true);
  });
  table.addEventListener("focusout", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-cell")) flush(ev.target);
  });

  /** Tab-separated text as Excel and LibreOffice copy it (quoted fields may hold tabs and
   *  new lines). */
  function parseBlock(text) {
    text = text.replace(/\r\n?/g, "\n");
    var rows = [];
    var row = [];
    var field = "";
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (quoted) {
        if (ch === '"') {
          if (text.charAt(i + 1) === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else field += ch;
      } else if (ch === '"' && field === "") quoted = true;
      else if (ch === "\t") {
        row.push(field);
        field = "";
      } else if (ch === "\n") {
        row.push(field);
        rows.push(row);
        row = [];
        field = "";
      } else field += ch;
    }
    if (field !== "" || row.length) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  }

  table.addEventListener("paste", function (ev) {
    var el = ev.target;
    if (!el.hasAttribute || !el.hasAttribute("data-cell")) return;
    var data = ev.clipboardData || window.clipboardData;
    if (!data) return;
    var text = data.getData("text/plain") || data.getData("Text") || "";
    if (text.indexOf("\t") < 0 && text.replace(/\r?\n$/, "").indexOf("\n") < 0) {
      if (/\r?\n$/.test(text)) {
        // one cell copied from Excel ends with a new line: paste its value only
        ev.preventDefault();
        el.value = clean(text);
        edited(el, true);
      }
      return;
    }
    ev.preventDefault();
    var block = parseBlock(text);
    var r0 = rowOf(el);
    var c0 = colOf(el);
    var filled = 0;
    var skipped = 0;
    var invalid = 0;
    block.forEach(function (values, i) {
      values.forEach(function (value, j) {
        var target = at(r0 + i, c0 + j);
        if (!writable(target)) {
          skipped++;
          return;
        }
        target.value = target.tagName === "TEXTAREA" ? value.trim() : clean(value);
        edited(target, false);
        var e = queue[keyOf(target)];
        if (e && e.state === "invalid") invalid++;
        else if (e && e.state === "pending" && !e.inflight) {
          // saved together below, in batches, instead of one request per cell
          if (e.timer) clearTimeout(e.timer);
          e.timer = null;
          if (waiting.indexOf(e) < 0) waiting.push(e);
        }
        filled++;
      });
    });
    pump();
    var note = "Đã dán " + filled + " ô";
    if (skipped) note += ", bỏ qua " + skipped + " ô chỉ đọc hoặc ngoài bảng";
    if (invalid) note += "; " + invalid + " ô có giá trị không hợp lệ (xem danh sách)";
    say(note + ".", !invalid);
  });

  // ---- test dates of periodic columns -------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("input[data-test-date]"), function (input) {
    // A narrow column head has no room for the browser's calendar icon: a click opens the picker.
    input.addEventListener("click", function () {
      if (input.disabled || typeof input.showPicker !== "function") return;
      try {
        input.showPicker();
      } catch (err) {
        /* not allowed here (no user gesture): typing the date still works */
      }
    });
    input.addEventListener("change", function () {
      var label = input.getAttribute("aria-label");
      fetch(DATE_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": CSRF },
        body: JSON.stringify({ column: input.getAttribute("data-test-date"), date: input.value })
      })
        .then(function (resp) {
          return resp.json().catch(function () {
            return null;
          });
        })
        .then(
          function (data) {
            if (data && data.ok) {
              input.setAttribute("data-saved", data.date);
              input.removeAttribute("aria-invalid");
              say("Đã lưu " + label.toLowerCase() + ".", true);
            } else {
              input.setAttribute("aria-invalid", "true");
              say(label + ": " + ((data && data.message) || "không lưu được."));
              input.value = input.getAttribute("data-saved") || "";
            }
          },
          function () {
            input.setAttribute("aria-invalid", "true");
            say(label + ": mất kết nối, chưa lưu — hãy chọn lại ngày.");
          }
        );
    });
  });

  // ---- never lose a change --------------------------------------------------------------------
  window.addEventListener("beforeunload", function (ev) {
    if (Object.keys(queue).length) {
      persist();
      ev.preventDefault();
      ev.returnValue = "";
      return "";
    }
  });

  var finaliseForm = document.querySelector("form[data-finalise]");
  if (finaliseForm) {
    finaliseForm.addEventListener("submit", function (ev) {
      var n = Object.keys(queue).length;
      if (n) {
        ev.preventDefault();
        say("Còn " + n + " ô chưa lưu: hãy đợi lưu xong (hoặc sửa các ô báo lỗi) rồi mới chốt.");
      }
    });
  }

  // Changes kept from an earlier visit (a reload, a crash, a lost connection): put them back
  // and send them again, based on the version they were typed against.
  (function restore() {
    var saved;
    try {
      saved = JSON.parse(localStorage.getItem(STORE) || "{}");
    } catch (err) {
      saved = {};
    }
    var restored = 0;
    Object.keys(saved).forEach(function (k) {
      var parts = k.split(":");
      var el = cellFor(parts[0], parts.slice(1).join(":"));
      var item = saved[k];
      if (!el || !item || typeof item.value !== "string") return;
      if (item.value === el.value) return; // already saved with this value
      el.value = item.value;
      if (item.version !== undefined && item.version !== null) el.setAttribute("data-version", String(item.version));
      restored++;
      edited(el, true);
    });
    if (restored) say("Đã khôi phục " + restored + " ô chưa lưu từ lần trước và đang lưu lại.", true);
    persist();
    render();
  })();

  // Back to this page from the history (e.g. after an Excel import): a page the browser kept in
  // memory shows the results of before; load it afresh unless it holds unsaved changes (they are
  // in localStorage anyway and would be restored).
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted && !Object.keys(queue).length) window.location.reload();
  });

  // Several cells in one correction request: in "choose" mode (or with Ctrl/⌘/Shift) a click on
  // a cell's ✎ adds it to the set instead of opening a request for that one cell; the bar's
  // link opens one request for the chosen cells (?cell=<student>:<column> repeated).
  var fixBar = document.querySelector("[data-fix-bar]");
  if (fixBar) {
    var fixMode = fixBar.querySelector("[data-fix-mode]");
    var fixGo = fixBar.querySelector("[data-fix-go]");
    var chosen = [];
    fixBar.hidden = false;
    var showChosen = function () {
      fixGo.hidden = !chosen.length;
      fixGo.textContent = "Đề nghị sửa " + chosen.length + " ô đã chọn";
      fixGo.href = fixBar.getAttribute("data-url") + chosen.map(function (k) {
        return "&cell=" + encodeURIComponent(k);
      }).join("");
    };
    fixMode.addEventListener("click", function () {
      var on = fixMode.getAttribute("aria-pressed") !== "true";
      fixMode.setAttribute("aria-pressed", on ? "true" : "false");
      fixMode.textContent = on ? "Thôi chọn" : "Chọn nhiều ô để sửa";
      if (!on) {
        chosen = [];
        Array.prototype.forEach.call(table.querySelectorAll("td.fix-chosen"), function (td) {
          td.classList.remove("fix-chosen");
        });
        showChosen();
      }
    });
    table.addEventListener("click", function (ev) {
      var link = ev.target.closest ? ev.target.closest("a[data-fix-cell]") : null;
      if (!link) return;
      var choosing = fixMode.getAttribute("aria-pressed") === "true";
      if (!choosing && !(ev.ctrlKey || ev.metaKey || ev.shiftKey)) return; // one cell: follow
      ev.preventDefault();
      var key = link.getAttribute("data-fix-cell");
      var td = link.closest("td");
      var at = chosen.indexOf(key);
      if (at >= 0) chosen.splice(at, 1);
      else chosen.push(key);
      if (td) td.classList.toggle("fix-chosen", at < 0);
      showChosen();
    });
  }

  // Changed elsewhere while this tab was hidden (an Excel import in another tab, a colleague,
  // a correction applied): the sheet's stamp is read when the tab is hidden — after this tab's
  // own saves — and again when it comes back; a different stamp reloads the sheet, or, when
  // this tab holds unsaved changes, says so (they are kept and sent first).
  var STAMP_URL = table.getAttribute("data-stamp-url");
  var knownStamp = table.getAttribute("data-stamp");
  function readStamp(then) {
    if (!STAMP_URL || !window.fetch) return;
    fetch(STAMP_URL, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body && typeof body.stamp === "string") then(body.stamp); })
      .catch(function () { /* offline: the next visit checks again */ });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (!Object.keys(queue).length) readStamp(function (stamp) { knownStamp = stamp; });
      else knownStamp = null; // own saves still on their way: the stamp would be out of date
      return;
    }
    if (!knownStamp) return;
    var before = knownStamp;
    readStamp(function (stamp) {
      if (stamp === before) return;
      if (!Object.keys(queue).length) {
        window.location.reload();
      } else {
        say("Bảng điểm vừa thay đổi ở nơi khác (nhập từ Excel, người khác sửa). Hãy đợi các ô đang lưu xong rồi tải lại trang để thấy kết quả mới.", true);
      }
    });
  });

  // Handlers are attached: tests (and anything else) can wait for this before typing.
  table.setAttribute("data-ready", "1");
})();
