from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import views as lms_views
from lms.sso import school_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("comptes/etablissement/", school_views.school_choose, name="school_choose"),
    path("comptes/", include("allauth.urls")),
    path("comptes/mes-donnees/", lms_views.my_data, name="my_data"),
    path("comptes/mes-donnees/export/", lms_views.my_data_export, name="my_data_export"),
    path("comptes/mes-donnees/supprimer/", lms_views.my_data_erase, name="my_data_erase"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("xapi/", include("xapi.urls")),
    path("competences/", include("competencies.urls")),
    path("competencies/", include("competencies.urls_public")),
    path("formations/", include("courses.urls")),
    path("evaluation/", include("evaluation.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving last: it catches everything else.
urlpatterns += [path("", include(wagtail_urls))]
