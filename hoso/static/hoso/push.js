/* The preferences page's "enable push" button: registers the service worker, asks permission,
   subscribes with the server's VAPID key and sends the subscription to HoSo. */
(function () {
  const button = document.getElementById("push-enable");
  const status = document.getElementById("push-status");
  if (!button) return;
  const say = (text) => { if (status) status.textContent = text; };
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    say("Trình duyệt này chưa hỗ trợ thông báo đẩy. Trên iPhone, hãy thêm HoSo vào màn hình chính trước.");
    return;
  }
  button.hidden = false;
  const keyBytes = (b64) => {
    const pad = "=".repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] ||
    (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  button.addEventListener("click", async () => {
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") { say("Bạn chưa cho phép thông báo trên thiết bị này."); return; }
      const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(button.dataset.key) });
      const response = await fetch(button.dataset.url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(sub.toJSON()),
      });
      const answer = await response.json();
      say(answer.message || (response.ok ? "Đã bật." : "Không bật được."));
      if (response.ok) window.setTimeout(() => window.location.reload(), 800);
    } catch (e) {
      say("Không bật được thông báo đẩy: " + e.message);
    }
  });
})();
