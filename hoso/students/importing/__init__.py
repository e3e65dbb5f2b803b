"""The class-list import (nhập danh sách lớp từ Excel): ``rows`` (fields and row checks, pure),
``template`` (the downloadable .xlsx) and ``importer`` (its plug-in to ``hoso.imports``)."""
