"""The staff-list import (nhập danh sách cán bộ từ Excel), a kind of ``hoso.imports``."""
