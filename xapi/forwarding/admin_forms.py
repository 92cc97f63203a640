"""Admin forms of targets and sources: the secret is write-only."""

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from xapi.trust import announce_trust_changed

from .pull import source_authority


class RemoteLrsForm(WagtailAdminModelForm):
    secret = forms.CharField(
        label=_("secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Jamais réaffiché. Laisser vide pour garder le secret enregistré."),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.secret_encrypted and not cleaned.get("secret"):
            self.add_error("secret", _("Un secret est nécessaire."))
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("secret"):
            self.instance.set_secret(self.cleaned_data["secret"])
        return super().save(commit=commit)


class PullSourceForm(RemoteLrsForm):
    def save(self, commit=True):
        # A changed policy changes what the statements already imported count for.
        changed = self.instance.pk is not None and "evidence" in self.changed_data
        source = super().save(commit=commit)
        if changed and commit:
            announce_trust_changed(source_authority(source))
        return source


def remote_form_class(model, fields: list[str], form=RemoteLrsForm):
    return modelform_factory(model, form=form, fields=[*fields, "secret"])
