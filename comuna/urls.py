from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("comuna.web.urls")),
]

handler403 = "comuna.web.errors.permission_denied"
handler404 = "comuna.web.errors.page_not_found"
