"""Setups for the notifications rows of tests/permission_matrix/rows_notifications.py: one in-app
notification of every caller (`my_notification`, a value per caller; anonymous gets
"other"'s), one of "other" (another teacher), and the student's unsubscribe tokens."""


def inbox(callers) -> dict:
    from ..services import notify
    from ..tokens import unsubscribe_token

    def one(user) -> int:
        notify(recipients=[user], type="admin_message", title="Matrix", channels=["in_app"])
        return user.notifications.latest("pk").pk

    others = one(callers["other"])
    mine = {name: one(callers[name]) for name in ("student", "teacher", "other_teacher", "admin")}
    mine["anonymous"] = others
    student = callers["student"].pk
    return {
        "my_notification": mine,
        "others_notification": others,
        "unsubscribe_token": unsubscribe_token(user_id=student, type="badge_awarded"),
        "forged_token": unsubscribe_token(user_id=student, type="badge_awarded")[:-2] + "xx",
    }
