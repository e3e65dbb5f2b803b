"""One machinery for every spreadsheet import (nhập từ Excel): read, recognise, map, preview,
commit all or nothing. A kind (class lists, grade sheets, staff lists, …) plugs in with one
``Importer`` subclass and one page template — the contract is ``importer.Importer`` and
``docs/IMPORTS.md``."""
