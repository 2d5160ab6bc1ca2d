"""The demo catalogue: an Italian real-estate and credit-information services company.

Plain definitions only; `sportello.catalogue.demo` writes them to the database.
"""

from sportello.catalogue.demo_data.blocks import DemoCategory, DemoChoice, DemoField, DemoService
from sportello.catalogue.demo_data.certificazioni import CERTIFICAZIONI
from sportello.catalogue.demo_data.due_diligence import DUE_DILIGENCE
from sportello.catalogue.demo_data.informazioni import INFORMAZIONI
from sportello.catalogue.demo_data.perizie import PERIZIE
from sportello.catalogue.demo_data.visure import VISURE

CATALOGUE: tuple[DemoCategory, ...] = (VISURE, PERIZIE, CERTIFICAZIONI, INFORMAZIONI, DUE_DILIGENCE)

__all__ = ["CATALOGUE", "DemoCategory", "DemoChoice", "DemoField", "DemoService"]
