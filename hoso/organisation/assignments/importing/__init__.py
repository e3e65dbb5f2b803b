"""The teaching-assignment table import (nhập bảng phân công chuyên môn), a kind of
``hoso.imports``."""
