from django.urls import path

from vadesk.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/rotate/", views.endpoint_rotate, name="rotate"),
    path("<int:pk>/delete/", views.endpoint_remove, name="delete"),
    path("<int:pk>/test/", views.endpoint_test_view, name="test"),
    path("<int:pk>/deliveries/<int:delivery_pk>/resend/", views.delivery_resend_view, name="resend"),
]
