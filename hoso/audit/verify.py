"""Walking the chains: recompute every hash (keyed from version 2), check every link, the head,
and the anchors written outside the database (ADR 0009)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from hoso.audit.anchors import check_lines, line_digest, read_anchor_file
from hoso.audit.hashing import event_hash, stored_event_fields
from hoso.audit.keys import audit_keys
from hoso.audit.models import GENESIS_HASH, AuditChain, AuditEvent


@dataclass
class Break:
    chain: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"chuỗi {self.chain}, sự kiện #{self.seq}: {self.reason}"


@dataclass
class Anchored:
    seq: int
    hash: str
    at: str
    keyed_from: int | None


def _anchors(chain: AuditChain) -> tuple[list[Anchored], Break | None]:
    """The chain's anchored heads from its file, or the first problem of the file: a line that
    does not check, or a mirrored row whose line is not in the file (file cut or replaced)."""
    text = read_anchor_file(chain.key)
    rows = list(chain.anchors.order_by("at", "pk").values_list("seq", "line_sha256"))
    if text is None:
        if rows:
            return [], Break(
                chain.key, rows[-1][0], "tệp mốc neo đã mất (CSDL còn ghi các mốc đã neo)"
            )
        return [], None
    lines = check_lines(text)
    for line in lines:
        if line.problem:
            return [], Break(chain.key, line.seq, f"mốc neo dòng {line.number}: {line.problem}")
    digests = {line_digest(line.text) for line in lines}
    for seq, digest in rows:
        if digest not in digests:
            return [], Break(chain.key, seq, "mốc neo trong CSDL không có trong tệp mốc neo")
    anchored = []
    for line in lines:
        if line.payload["chain"] != chain.key:
            return [], Break(chain.key, line.seq, f"mốc neo dòng {line.number} thuộc chuỗi khác")
        anchored.append(
            Anchored(
                seq=line.seq,
                hash=line.payload["hash"],
                at=line.payload["at"],
                keyed_from=line.payload["keyed_from"],
            )
        )
    return anchored, None


def verify_chain(chain: AuditChain) -> Break | None:
    # The anchors before the head: every anchored head was committed before its line was written,
    # so a head read afterwards is at or past each of them (no false "cut" while anchoring).
    anchored, problem = _anchors(chain)
    if problem is not None:
        return problem
    chain.refresh_from_db(fields=["last_seq", "last_hash"])
    by_seq: dict[int, Anchored] = {}
    for anchor in anchored:
        by_seq.setdefault(anchor.seq, anchor)
    # Events from this seq on must be keyed: anchors exist only since keys do (ADR 0009).
    keyed_boundary = min(
        (a.keyed_from if a.keyed_from is not None else a.seq + 1 for a in anchored),
        default=None,
    )
    keys = audit_keys()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_matching_anchor = 0
    keyed_seen = False
    # Up to the head read above: events appended meanwhile are checked next time.
    events = (
        AuditEvent.objects.filter(chain=chain, seq__lte=chain.last_seq)
        .order_by("seq")
        .iterator(chunk_size=2000)
    )
    for ev in events:
        if ev.seq != expected_seq:
            return Break(chain.key, expected_seq, "thiếu sự kiện (đã bị xóa?)")
        if ev.prev_hash != expected_prev:
            return Break(chain.key, ev.seq, "liên kết với sự kiện trước bị sai")
        key = None
        if ev.hash_version >= 2:
            key = keys.secrets.get(ev.key_id)
            if key is None:
                return Break(chain.key, ev.seq, f"khóa {ev.key_id!r} không có trên máy chủ")
            keyed_seen = True
        elif keyed_seen or (keyed_boundary is not None and ev.seq >= keyed_boundary):
            return Break(
                chain.key, ev.seq, "sự kiện không có khóa sau sự kiện có khóa (bị viết lại?)"
            )
        fields = stored_event_fields(ev, chain_key=chain.key)
        if event_hash(fields, key=key) != ev.hash:
            return Break(chain.key, ev.seq, "nội dung đã bị sửa (mã băm không khớp)")
        anchor = by_seq.get(ev.seq)
        if anchor is not None:
            if anchor.hash != ev.hash:
                return Break(
                    chain.key,
                    ev.seq,
                    f"khác mốc neo ngày {anchor.at}: một sự kiện từ "
                    f"#{last_matching_anchor + 1} đến #{ev.seq} đã bị viết lại",
                )
            last_matching_anchor = ev.seq
        expected_prev = ev.hash
        expected_seq += 1
    last = expected_seq - 1
    beyond = [a for a in anchored if a.seq > last]
    if beyond:
        anchor = max(beyond, key=lambda a: a.seq)
        return Break(
            chain.key,
            last + 1,
            f"chuỗi ngắn hơn mốc neo ngày {anchor.at} (#{anchor.seq}): sự kiện đã bị cắt bỏ",
        )
    extra_top = (
        AuditEvent.objects.filter(chain=chain, seq__gt=chain.last_seq)
        .aggregate(top=Max("seq"))
        .get("top")
    )
    if extra_top is not None:
        head_now = AuditChain.objects.filter(pk=chain.pk).values_list("last_seq", flat=True).first()
        if head_now is None or extra_top > head_now:
            return Break(chain.key, chain.last_seq + 1, "sự kiện nằm sau đầu chuỗi (bị chèn thêm?)")
    if chain.last_seq != last or chain.last_hash != expected_prev:
        return Break(
            chain.key, expected_seq, "đầu chuỗi không khớp sự kiện cuối (mất sự kiện cuối?)"
        )
    return None


def verify_all() -> tuple[int, list[Break]]:
    breaks: list[Break] = []
    count = 0
    for chain in AuditChain.objects.order_by("key"):
        count += chain.last_seq
        found = verify_chain(chain)
        if found:
            breaks.append(found)
    return count, breaks
