from django.urls import path

from sportello.invoicing import views

app_name = "invoicing"
urlpatterns = [
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("<int:pk>/xml/", views.document_xml, name="xml"),
    path("ordine/<str:number>/fattura.pdf", views.order_invoice_pdf, name="order_invoice_pdf"),
]
