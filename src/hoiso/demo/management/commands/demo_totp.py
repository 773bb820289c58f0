"""`manage.py demo_totp USERNAME` (`make totp u=USERNAME`): the current sign-in code of a
demo account, as its authenticator app would show it.

Only demo accounts (e-mail at DEMO_EMAIL_DOMAIN), and never with HOISO_PRODUCTION on:
printing a real official's second factor would defeat it. The code goes to stdout alone,
so scripts and browser tests can read it; how long it stays valid goes to stderr.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hoiso.accounts.models import User
from hoiso.demo import totp
from hoiso.demo.context import DEMO_EMAIL_DOMAIN


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a demo account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_totp is switched off with HOISO_PRODUCTION on.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r} (no such user).")
        if not user.email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}"):
            raise CommandError(f"{username} không phải tài khoản dùng thử (not a demo account).")
        secret = totp.stored_secret(user)
        if secret is None:
            raise CommandError(
                f"{username} chưa có ứng dụng xác thực, đăng nhập chỉ cần mật khẩu "
                f"(this user has no TOTP authenticator)."
            )
        code, seconds_left = totp.current_code(secret)
        self.stdout.write(code)
        self.stderr.write(f"(mã còn hiệu lực {seconds_left} giây / valid for {seconds_left} s)")
