"""Back-office for orders: read everything, act only through the actions.

The order form is read-only (no field, status included, is ever saved from the admin). Staff
move orders and lines, attach outcomes, mark bank transfers received and record refunds with
the buttons of the order page, which open small pages calling the same actions the rest of
the code uses. Acting needs the "change order" permission; looking needs "view order".

- `order.py`: `OrderAdmin`, the list, the read-only page and the bulk actions;
- `views.py`: the pages behind the order page's buttons (status, bank transfer, refund, line);
- `inlines.py`: the read-only inlines; `rendering.py`: their HTML fragments.
"""

from django.contrib import admin

from sportello.orders.admin.order import OrderAdmin
from sportello.orders.models import Order

admin.site.register(Order, OrderAdmin)

__all__ = ["OrderAdmin"]
