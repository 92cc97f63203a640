from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from ambassadors import urls as ambassadors_urls
from ambassadors import urls_public as badges_urls
from frameworks import urls as frameworks_urls
from lms import views as lms_views
from lms.sso import school_views
from maps import urls as maps_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("comptes/etablissement/", school_views.school_choose, name="school_choose"),
    path("comptes/", include("allauth.urls")),
    path("comptes/mes-donnees/", lms_views.my_data, name="my_data"),
    path("comptes/mes-donnees/export/", lms_views.my_data_export, name="my_data_export"),
    path("comptes/mes-donnees/supprimer/", lms_views.my_data_erase, name="my_data_erase"),
    path("i18n/setlang/", lms_views.language_set, name="set_language"),
    path("xapi/", include("xapi.urls")),
    # One namespace per prefix, as before the split of `competencies`: each app owns its routes.
    path("competences/", include((ambassadors_urls.urlpatterns + maps_urls.urlpatterns, "competencies"))),
    path("competencies/", include((badges_urls.urlpatterns + frameworks_urls.urlpatterns, "frameworks"))),
    path("formations/", include("courses.urls")),
    path("evaluation/", include("evaluation.urls")),
]

if settings.RELAIS_BENCH_PING:
    urlpatterns += [path("bench/ping", lms_views.bench_ping)]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving last: it catches everything else.
urlpatterns += [path("", include(wagtail_urls))]
