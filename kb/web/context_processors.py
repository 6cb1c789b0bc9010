from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str | bool]:
    return {"site_name": settings.SITE_NAME, "sign_in_required": settings.PRAVILA_LOGIN_REQUIRED}
