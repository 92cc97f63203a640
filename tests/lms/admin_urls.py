"""Only the Django admin: its tests do not depend on the rest of the site's URLs."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("django-admin/", admin.site.urls)]
