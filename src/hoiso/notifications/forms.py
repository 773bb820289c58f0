from django import forms
from django.utils.translation import gettext_lazy as _

from hoiso.notifications.models import DeliveryPreference


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("E-mail about your notifications"),
        choices=DeliveryPreference.Mode.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("Every notification is always kept in your inbox in HộiSố."),
    )
