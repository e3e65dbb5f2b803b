"""Steps of "Thiết lập trường" in a browser (Playwright page), shared by the set-up's browser test
and the end-to-end test of a real school's year."""

from __future__ import annotations


def step(page, name: str) -> None:
    page.click(f".setup-steps a:text-is('{name}')")


def create_year(page, name: str, term1_end: str = "") -> None:
    """From the home page: the proposed year (``name``, and the end of term I when given) kept."""
    page.click("main a:text-is('Tạo năm học')")
    page.wait_for_selector("h1:has-text('Tạo năm học')")
    assert page.input_value("input[name=name]") == name
    if term1_end:
        assert page.input_value("input[name=term1_end]") == term1_end
    page.click("[data-testid=create-year]")
    page.wait_for_selector(f"text=Đã tạo năm học {name}")


def add_class_series(page, grade: int, prefix: str, count: int) -> None:
    series = page.locator("form[data-form=add-series]")
    series.locator("select[name=grade]").select_option(str(grade))
    series.locator("input[name=prefix]").fill(prefix)
    series.locator("input[name=count]").fill(str(count))
    series.locator("button").click()
    names = ", ".join(f"{prefix}{n}" for n in range(1, count + 1))
    page.wait_for_selector(f"text=Đã thêm lớp {names}.")


def add_class_names(page, grade: int, typed: str, added: str) -> None:
    named = page.locator("form[data-form=add-names]")
    named.locator("select[name=grade]").select_option(str(grade))
    named.locator("textarea[name=names]").fill(typed)
    named.locator("button").click()
    page.wait_for_selector(f"text=Đã thêm lớp {added}.")


def add_department(page, name: str, kind: str = "") -> None:
    add = page.locator("form[data-form=add]")
    add.locator("input[name=name]").fill(name)
    if kind:
        add.locator("select[name=kind]").select_option(kind)
    add.locator("button").click()
    page.wait_for_selector(f"text=Đã thêm {name}.")


def programme_subjects(page) -> None:
    page.click("[data-testid=programme-default]")
    page.wait_for_selector("text=Đã thêm 13 môn học theo chương trình.")


def keep_rule_sets(page) -> None:
    page.click("button:has-text('Lưu bộ quy tắc')")
    page.wait_for_selector("text=Đã lưu bộ quy tắc đánh giá theo khối.")
