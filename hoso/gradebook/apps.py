from django.apps import AppConfig


class GradebookConfig(AppConfig):
    name = "hoso.gradebook"
    label = "gradebook"
    verbose_name = "Sổ theo dõi và đánh giá"

    def ready(self) -> None:
        from hoso.attendance.events import AttendanceChanged
        from hoso.core import events
        from hoso.gradebook import ownership, setup_probes
        from hoso.gradebook.events import GradesChanged
        from hoso.gradebook.excel.importer import GRADE_SHEET
        from hoso.gradebook.results import subscribers as results
        from hoso.imports.registry import register
        from hoso.organisation.assignments import ownership as assignments
        from hoso.organisation.setup import usage

        assignments.register_teaching_check(ownership.teaching_work)
        assignments.register_homeroom_check(ownership.homeroom_work)
        usage.register_grade_results_probe(setup_probes.grade_results)
        usage.register_subject_probe(setup_probes.subject_entries)
        register(GRADE_SHEET)
        events.subscribe(GradesChanged, results.grades_changed, batch=True)
        events.subscribe(AttendanceChanged, results.attendance_changed, batch=True)
