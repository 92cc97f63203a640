"""Admin forms of targets and sources: the secret is write-only."""

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


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


def remote_form_class(model, fields: list[str]):
    return modelform_factory(model, form=RemoteLrsForm, fields=[*fields, "secret"])
