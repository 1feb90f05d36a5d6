from django.urls import include, path

from comuna.api.app import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("comuna.web.urls")),
]

handler400 = "comuna.web.errors.bad_request"
handler403 = "comuna.web.errors.permission_denied"
handler404 = "comuna.web.errors.page_not_found"
handler500 = "comuna.web.errors.server_error"
