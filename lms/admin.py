"""Django admin for users and the organisations of public education."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import Academie, Departement, Membership, School, User


class DepartementInline(admin.TabularInline):
    model = Departement
    fields = ("code", "name", "is_tne")
    extra = 0
    show_change_link = True


@admin.register(Academie)
class AcademieAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [DepartementInline]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "academie", "is_tne")
    list_filter = ("is_tne", "academie")
    search_fields = ("code", "name")
    list_select_related = ("academie",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("uai", "name", "kind", "sector", "commune", "departement", "is_open")
    list_filter = ("kind", "sector", "is_open", "departement__academie", "departement")
    # The UAI is what people paste; "^" makes it a prefix search that can use the index.
    search_fields = ("^uai", "name", "commune")
    list_select_related = ("departement",)
    # 58,000 schools and 101 départements: no giant <select>.
    autocomplete_fields = ("departement",)
    fieldsets = (
        (None, {"fields": ("uai", "name", "kind", "sector", "is_open")}),
        (_("Localisation"), {"fields": ("departement", "commune_code", "commune", "latitude", "longitude")}),
        (
            _("Circonscription et bassin"),
            {"fields": ("circonscription_code", "circonscription", "bassin_code", "bassin")},
        ),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "school", "role")
    list_filter = ("role", "school__kind")
    search_fields = ("user__email", "user__last_name", "^school__uai", "school__name")
    list_select_related = ("user", "school")
    autocomplete_fields = ("user", "school")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("school",)


class RelaisUserCreationForm(AdminUserCreationForm):
    # Django's form asks for a username; Relais users log in with their e-mail address.
    class Meta:
        model = User
        fields = ("email",)
        field_classes = {}


class RelaisUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = RelaisUserChangeForm
    add_form = RelaisUserCreationForm
    list_display = ("email", "first_name", "last_name", "role", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("xapi_uuid", "last_login", "date_joined")
    autocomplete_fields = ("scope_academie", "scope_departement")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "language", "xapi_uuid")}),
        (_("Rôle et périmètre"), {"fields": ("role", "scope_academie", "scope_departement")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "role", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_inlines(self, request, obj):
        # Like Django's own user admin, the add page asks for the login first; schools come after.
        return self.inlines if obj is not None else []
