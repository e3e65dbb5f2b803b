"""The Excel round trip of a grade sheet (tải mẫu / nhập điểm từ Excel): ``recognition`` (which
column is which), ``rows`` (rows checked against the book, pure), ``template`` (the filled
template and its hidden identity) and ``importer`` (its plug-in to ``hoso.imports``)."""
