from enum import StrEnum


class PrintingError(StrEnum):
    UNKNOWN_TEMPLATE = "printing.unknown_template"
    UNKNOWN_DOCUMENT = "printing.unknown_document"
    BAD_STANDARD = "printing.bad_standard"
    RENDER_FAILED = "printing.render_failed"
    NO_CLASS = "printing.no_class"
    BAD_SCOPE = "printing.bad_scope"
    BAD_FORMAT = "printing.bad_format"
    NOTHING_TO_PRINT = "printing.nothing_to_print"
    BAD_MONTH = "printing.bad_month"
    JOB_NOT_READY = "printing.job_not_ready"
    TOO_MANY_JOBS = "printing.too_many_jobs"
    JOB_NOT_YOURS = "printing.job_not_yours"
    JOB_BAD_STATE = "printing.job_bad_state"
