"""Reader accounts: sign up, sign in, sign out (for the live testbench, which costs money).

Sign-up is a username and a password (Django's UserCreationForm, with the password
validators: at least 12 characters), signed in at once; email confirmation is not part of
it yet. Sign-ups are rate limited per client address; sign-in attempts too
(tokonomix.core.signin), and django-axes locks a username out for an address after
repeated failures.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tokonomix.core.ratelimit import client_address, rate_limit_hit
from tokonomix.core.signin import signin_attempt_allowed

app_name = "accounts"

SIGNUPS_PER_HOUR = 10


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("site:home")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        allowance = rate_limit_hit(
            scope="signup", key=client_address(request), limit=SIGNUPS_PER_HOUR, window_s=3600
        )
        if allowance.allowed:
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_url(request))
        refused = _("Too many accounts were created from your address this hour; try later.")
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": _next_url(request), "refused": refused},
        status=429 if refused else 200,
    )


class SignInView(auth_views.LoginView):
    """Django's sign-in, with a cap on attempts per address (429 past it, form kept)."""

    next_page = "site:home"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not signin_attempt_allowed(request):
            # An unbound form: a bound one would check the password while reporting errors.
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")}
            )
            refused = _("Too many sign-in attempts from your address; try again in an hour.")
            context = self.get_context_data(form=form, refused=refused)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


urlpatterns = [
    path("accounts/signup/", signup, name="signup"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="site:home"), name="logout"),
]
