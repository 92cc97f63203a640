"""The co-design workflow's task: approval by one partner's reviewers. Imported by models.py."""

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, WorkflowState
from wagtail.signals import workflow_approved


class PartnerApprovalTask(AbstractGroupApprovalTask):
    """Members of a partner's reviewer group approve (or send back) a co-designed course or module.

    Partners do not hold the publish permission: their approval is the authority. So when the last
    partner approves, the page is published in that partner's name without Wagtail's publish-permission
    check (GroupApprovalTask would make the last approver need the publish permission).
    """

    partner = models.ForeignKey(
        "courses.Partner",
        verbose_name=_("partenaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields + ["partner"]

    class Meta:
        verbose_name = _("approbation par un partenaire")
        verbose_name_plural = _("approbations par un partenaire")

    @classmethod
    def get_description(cls):
        return _("Les relecteurs du partenaire approuvent le contenu co-conçu ou demandent des modifications.")

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        task_state.approve(user=user, update=False, **kwargs)
        workflow_state = task_state.workflow_state
        next_task = workflow_state.get_next_task()
        if next_task is not None:
            workflow_state.update(user=user, next_task=next_task)
        else:
            workflow_state.status = WorkflowState.STATUS_APPROVED
            workflow_state.save()
            revision = workflow_state.content_object.get_latest_revision()
            revision.publish(user=user, skip_permission_checks=True)
            workflow_approved.send(sender=WorkflowState, instance=workflow_state, user=user)
        return self._after_approval_url(workflow_state.content_object, user)

    @staticmethod
    def _after_approval_url(page, user) -> str | None:
        """Wagtail sends the reviewer back to the page's editor, which the task opened to them only while
        it was theirs: once approved (the next partner's turn, or published) the editor would refuse
        them with a permission error beside the success message. Such reviewers go to their dashboard,
        which lists what still awaits their review."""
        if page.permissions_for_user(user).can_edit():
            return None
        return reverse("wagtailadmin_home")
