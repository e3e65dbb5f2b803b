from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "hoso.transfers"
    label = "transfers"
    verbose_name = "Chuyển trường"

    def ready(self) -> None:
        from django.urls import reverse

        from hoso.students.links import StudentLink, register_link
        from hoso.transfers import policies
        from hoso.transfers.models import PriorRecord, Transfer

        def visible(actor, student) -> bool:
            return policies.can_view(actor) and (
                Transfer.objects.filter(school_id=student.school_id, student=student).exists()
                or PriorRecord.objects.filter(school_id=student.school_id, student=student).exists()
            )

        register_link(
            StudentLink(
                key="transfers",
                label="Chuyển trường và quá trình học ở trường khác",
                url=lambda student: reverse("transfers:student", args=[student.pk]),
                visible=visible,
            )
        )
