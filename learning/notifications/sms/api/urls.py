from django.urls import path

from . import views

urlpatterns = [
    path("notifications/phone/", views.PhoneView.as_view(), name="notifications-phone"),
    path("notifications/phone/verify/", views.PhoneVerifyView.as_view(), name="notifications-phone-verify"),
]
