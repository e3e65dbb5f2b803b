from django.apps import AppConfig


class GradebookConfig(AppConfig):
    name = "hoso.gradebook"
    label = "gradebook"
    verbose_name = "Sổ theo dõi và đánh giá"
