from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"

    def ready(self) -> None:
        # The surveys app fields the 360° wave; it may not import feedback (the app ladder), so feedback registers here.
        from assessments.models import Assessment
        from feedback.fielding import FeedbackFielding, respondent_context
        from surveys.answering import RESPONDENT_CONTEXT
        from surveys.demo import EXTRA_SEEDS
        from surveys.fielding import AUDIENCE_HOOKS

        AUDIENCE_HOOKS[Assessment.Audience.PERSON] = FeedbackFielding()
        RESPONDENT_CONTEXT[Assessment.Audience.PERSON] = respondent_context

        from feedback import privacy
        from reports.privacy import ERASURE_HOOKS

        if privacy not in ERASURE_HOOKS:
            ERASURE_HOOKS.append(privacy)

        from feedback.demo import seed_feedback_demo

        if seed_feedback_demo not in EXTRA_SEEDS:
            EXTRA_SEEDS.append(seed_feedback_demo)
