from django.contrib.auth import views as auth_views
from django.urls import path

from comuna.web import (
    accounts,
    assembly_attendance,
    assembly_convening,
    assembly_decisions,
    assembly_minutes,
    cycle_accountability,
    cycle_budgets,
    cycle_comptroller,
    cycle_execution,
    cycle_import,
    cycle_lessons,
    cycle_needs,
    cycle_pages,
    cycle_projects,
    federation_dashboard,
    federation_parliament,
    federation_referendums,
    mandate_accounting,
    mandate_elections,
    mandate_recalls,
    mandate_results,
    mandate_seats,
    polls,
    tokens,
    views,
)
from comuna.web.limits import limited

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "login/",
        limited("login-ip", "login-username")(auth_views.LoginView.as_view()),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("b/<slug:slug>/", views.body_detail, name="body"),
    path("b/<slug:slug>/ledger/", views.ledger, name="ledger"),
    path("b/<slug:slug>/ledger.jsonl", views.ledger_export, name="ledger-export"),
    path("b/<slug:slug>/open-data.zip", views.open_data, name="open-data"),
    path("b/<slug:slug>/ledger/head.json", views.ledger_head_json, name="ledger-head"),
    path("b/<slug:slug>/register/", views.register_list, name="register"),
    path("b/<slug:slug>/census/", views.census, name="census"),
    path("b/<slug:slug>/census/import/", views.census_import, name="census-import"),
    path(
        "b/<slug:slug>/census/import/sample.csv",
        views.census_import_sample,
        name="census-import-sample",
    ),
    path("b/<slug:slug>/census/questions/", views.census_questions, name="census-questions"),
    path(
        "b/<slug:slug>/census/questions/<int:pk>/", views.census_questions, name="census-question"
    ),
    path("b/<slug:slug>/census/households/new/", views.household_edit, name="household-new"),
    path("b/<slug:slug>/census/households/<int:pk>/", views.household_edit, name="household"),
    path(
        "b/<slug:slug>/census/households/<int:household>/residents/new/",
        views.resident_edit,
        name="resident-new",
    ),
    path("b/<slug:slug>/census/residents/<int:pk>/", views.resident_edit, name="resident"),
    path("b/<slug:slug>/polls/", polls.poll_list, name="polls"),
    path("b/<slug:slug>/polls/new/", polls.poll_new, name="poll-new"),
    path("b/<slug:slug>/polls/<int:pk>/", polls.poll_detail, name="poll"),
    path("b/<slug:slug>/polls/<int:pk>/vote/", polls.poll_vote, name="poll-vote"),
    path("b/<slug:slug>/polls/<int:pk>/open/", polls.poll_open, name="poll-open"),
    path("b/<slug:slug>/polls/<int:pk>/close/", polls.poll_close, name="poll-close"),
    path("b/<slug:slug>/polls/<int:pk>/paper/", polls.poll_paper, name="poll-paper"),
    path("b/<slug:slug>/polls/<int:pk>/results/", polls.poll_results, name="poll-results"),
    path("b/<slug:slug>/polls/<int:pk>/ballots.<str:fmt>", polls.poll_ballots, name="poll-ballots"),
    path("b/<slug:slug>/polls/<int:pk>/check/", polls.poll_check, name="poll-check"),
    path("b/<slug:slug>/polls/<int:pk>/edit/", polls.poll_edit, name="poll-edit"),
    path("b/<slug:slug>/polls/<int:pk>/delete/", polls.poll_delete, name="poll-delete"),
    path("b/<slug:slug>/polls/<int:pk>/options/<str:key>/", polls.poll_option, name="poll-option"),
    path(
        "b/<slug:slug>/polls/<int:pk>/options/<str:key>/image",
        polls.poll_option_image,
        name="poll-option-image",
    ),
]

# accounts: invitations from the census (no sign-up page), password reset and change
urlpatterns += [
    path("invite/", accounts.invite, name="invite"),
    path("invite/<str:token>/", accounts.invite_link, name="invite-link"),
    path(
        "b/<slug:slug>/census/residents/<int:pk>/login/",
        accounts.resident_login,
        name="resident-login",
    ),
    path(
        "b/<slug:slug>/census/residents/<int:pk>/login/revoke/",
        accounts.revoke_invitation,
        name="resident-invitation-revoke",
    ),
    path(
        "b/<slug:slug>/census/residents/<int:pk>/login/unlink/",
        accounts.unlink_login,
        name="resident-login-unlink",
    ),
    path("password/reset/", accounts.password_reset, name="password_reset"),
    path("password/reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("me/password/", accounts.password_change, name="password_change"),
    path("me/password/done/", accounts.password_change_done, name="password_change_done"),
]

# personal access tokens of the API, made and revoked on the profile page
urlpatterns += [
    path("me/tokens/new/", tokens.token_new, name="token-new"),
    path("me/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
]

# assemblies: convening and petitions, attendance and quorum, decisions, minutes
for _part in (assembly_convening, assembly_attendance, assembly_decisions, assembly_minutes):
    urlpatterns += _part.urlpatterns

# mandates: seats, elections and their results, recalls, spokespersons' accounting
for _part in (
    mandate_seats,
    mandate_elections,
    mandate_results,
    mandate_recalls,
    mandate_accounting,
):
    urlpatterns += _part.urlpatterns

# the communal cycle: cycles, needs and their prioritisation, projects, budgets, Pabulib files
for _part in (cycle_pages, cycle_needs, cycle_projects, cycle_budgets, cycle_import):
    urlpatterns += _part.urlpatterns

# the communal cycle, part 2: execution and expenses, comptrollership, accountability, lessons
for _part in (cycle_execution, cycle_comptroller, cycle_accountability, cycle_lessons):
    urlpatterns += _part.urlpatterns

# federation: founding referendums, parliaments, dashboards
for _part in (federation_referendums, federation_parliament, federation_dashboard):
    urlpatterns += _part.urlpatterns
