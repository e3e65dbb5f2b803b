from django.apps import AppConfig


class GradebookConfig(AppConfig):
    name = "hoso.gradebook"
    label = "gradebook"
    verbose_name = "Sổ theo dõi và đánh giá"

    def ready(self):
        from hoso.gradebook import setup_probes
        from hoso.organisation.setup import usage

        usage.register_grade_results_probe(setup_probes.grade_results)
        usage.register_subject_probe(setup_probes.subject_entries)
