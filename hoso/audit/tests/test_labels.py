import re
from pathlib import Path

from hoso.audit.labels import EVENT_LABELS

ROOT = Path(__file__).resolve().parents[2]


def test_every_event_type_written_by_the_code_has_a_vietnamese_label():
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'event_type="([a-z_]+\.[a-z_]+)"', text))
        found |= {f"account.{s}" for s in re.findall(r'"account\.(enabled|disabled)"', text)}
    found |= {"access.not_found", "access.forbidden"}
    missing = sorted(found - EVENT_LABELS.keys())
    assert missing == []
    assert len(found) > 15
