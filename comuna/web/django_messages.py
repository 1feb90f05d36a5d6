"""Django's own messages that people meet on our pages, kept in our catalogue.

Django's Spanish catalogue addresses people as "usted" ("introduzca", "su contraseña"); we
address them as "tú" everywhere, and in Brazilian Portuguese ("você"). Our ``LOCALE_PATHS``
catalogue wins over Django's, so each msgid below, copied exactly from Django, is translated
again in ``comuna/locale``. Nothing imports this module: it exists so that ``makemessages``
(run with ``--no-obsolete``) finds these msgids and keeps them.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# django.contrib.auth: the login form, password forms and password validators
gettext_noop(
    "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
)
gettext_noop("This account is inactive.")
gettext_noop("The two password fields didn’t match.")
gettext_noop("Enter the same password as before, for verification.")
gettext_noop("Your old password was entered incorrectly. Please enter it again.")
gettext_noop("Password confirmation")
gettext_noop("New password confirmation")
gettext_noop("Old password")
gettext_noop("A user with that username already exists.")
gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.")
gettext_noop(
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
    "characters."
)
gettext_noop(
    "Enter a valid username. This value may contain only unaccented lowercase a-z and "
    "uppercase A-Z letters, numbers, and @/./+/-/_ characters."
)
ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
    "min_length",
)
gettext_noop("The password is too similar to the %(verbose_name)s.")
gettext_noop("Your password can’t be too similar to your other personal information.")
gettext_noop("This password is too common.")
gettext_noop("Your password can’t be a commonly used password.")
gettext_noop("This password is entirely numeric.")
gettext_noop("Your password can’t be entirely numeric.")

# django.core: the form-field errors of our forms
gettext_noop("Enter a valid value.")
gettext_noop("Enter a valid email address.")
gettext_noop("Enter a valid URL.")
gettext_noop("Enter a valid integer.")
gettext_noop("Enter a number.")
gettext_noop("Enter a whole number.")
gettext_noop("Enter a valid date.")
gettext_noop("Enter a valid time.")
gettext_noop("Enter a valid date/time.")
gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.")
gettext_noop("Ensure this value is less than or equal to %(limit_value)s.")
gettext_noop("Ensure this value is greater than or equal to %(limit_value)s.")
ngettext_lazy(
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
ngettext_lazy(
    "Ensure that there are no more than %(max)s digit in total.",
    "Ensure that there are no more than %(max)s digits in total.",
    "max",
)
ngettext_lazy(
    "Ensure that there are no more than %(max)s decimal place.",
    "Ensure that there are no more than %(max)s decimal places.",
    "max",
)
ngettext_lazy(
    "Ensure that there are no more than %(max)s digit before the decimal point.",
    "Ensure that there are no more than %(max)s digits before the decimal point.",
    "max",
)
gettext_noop("No file was submitted. Check the encoding type on the form.")
gettext_noop("The submitted file is empty.")
gettext_noop("Select a valid choice. %(value)s is not one of the available choices.")
