"""django-q2 jobs of accounts: thin, they take ids and call services."""


def otp_send(otp_id: int) -> bool:
    from .services import otp_deliver

    return otp_deliver(otp_id=otp_id)


def password_reset_send(email: str) -> bool:
    from .services import password_reset_deliver

    return password_reset_deliver(email=email)


def verification_resend(email: str) -> bool:
    from .services import email_verification_resend_deliver

    return email_verification_resend_deliver(email=email)


def housekeeping() -> dict[str, int]:
    """Daily: drop expired refresh-token records and dead one-time codes."""
    from .services import housekeeping_run

    return housekeeping_run()
