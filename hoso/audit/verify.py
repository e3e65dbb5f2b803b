"""Walking the chains: recompute every hash, check every link and the head."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.audit.hashing import event_fields, event_hash
from hoso.audit.models import GENESIS_HASH, AuditChain, AuditEvent


@dataclass
class Break:
    chain: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"chuỗi {self.chain}, sự kiện #{self.seq}: {self.reason}"


def verify_chain(chain: AuditChain) -> Break | None:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    events = AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
    for ev in events:
        if ev.seq != expected_seq:
            return Break(chain.key, expected_seq, "thiếu sự kiện (đã bị xóa?)")
        if ev.prev_hash != expected_prev:
            return Break(chain.key, ev.seq, "liên kết với sự kiện trước bị sai")
        fields = event_fields(
            chain_key=chain.key,
            seq=ev.seq,
            school_id=ev.school_id,
            at=ev.at,
            actor_id=ev.actor_id,
            actor_name=ev.actor_name,
            acting_as=ev.acting_as,
            ip=ev.ip,
            channel=ev.channel,
            event_type=ev.event_type,
            target_type=ev.target_type,
            target_id=ev.target_id,
            target_repr=ev.target_repr,
            before=ev.before,
            after=ev.after,
            prev_hash=ev.prev_hash,
        )
        if event_hash(fields) != ev.hash:
            return Break(chain.key, ev.seq, "nội dung đã bị sửa (mã băm không khớp)")
        expected_prev = ev.hash
        expected_seq += 1
    if chain.last_seq != expected_seq - 1 or chain.last_hash != expected_prev:
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
