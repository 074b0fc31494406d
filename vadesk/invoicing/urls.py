from django.urls import path

from vadesk.invoicing import views

app_name = "invoicing"
urlpatterns = [
    path("invoices/", views.invoice_list, name="list"),
    path("invoices/new/", views.draft_new, name="draft_new"),
    path("invoices/run/", views.run_month, name="run"),
    path("invoices/bank/", views.bank, name="bank"),
    path("invoices/bank/<int:line_pk>/", views.bank_resolve, name="bank_resolve"),
    path("invoices/export/", views.export_view, name="export"),
    path("invoices/settings/", views.seller_settings, name="settings"),
    path("invoices/clients/<int:client_pk>/billing/", views.client_billing, name="client_billing"),
    path("invoices/behalf/<int:client_pk>/", views.behalf_seller, name="behalf"),
    path("invoices/behalf/<int:client_pk>/buyers/new/", views.behalf_buyer, name="behalf_buyer_new"),
    path("invoices/behalf/<int:client_pk>/buyers/<int:pk>/", views.behalf_buyer, name="behalf_buyer"),
    path("invoices/behalf/<int:client_pk>/drafts/", views.behalf_draft_new, name="behalf_draft_new"),
    path("invoices/<int:pk>/", views.invoice_detail, name="detail"),
    path("invoices/<int:pk>/edit/", views.invoice_edit, name="edit"),
    path("invoices/<int:pk>/lines/", views.line_add, name="line_add"),
    path("invoices/<int:pk>/lines/<int:line_pk>/", views.line_edit, name="line_edit"),
    path("invoices/<int:pk>/lines/<int:line_pk>/delete/", views.line_delete, name="line_delete"),
    path("invoices/<int:pk>/finalise/", views.finalise, name="finalise"),
    path("invoices/<int:pk>/discard/", views.discard, name="discard"),
    path("invoices/<int:pk>/send/", views.send, name="send"),
    path("invoices/<int:pk>/credit/", views.credit, name="credit"),
    path("invoices/<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("invoices/<int:pk>/payments/<int:payment_pk>/undo/", views.payment_undo, name="payment_undo"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="pdf"),
    path("invoices/<int:pk>/einvoice/<str:fmt>/", views.invoice_einvoice, name="einvoice"),
    path("portal/invoices/", views.portal_list, name="portal_list"),
    path("portal/invoices/<int:pk>/<str:fmt>/", views.portal_download, name="portal_download"),
]
