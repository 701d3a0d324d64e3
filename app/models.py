"""Imports every model so SQLAlchemy and Alembic see all tables."""

from app.accounts.models import Consent, OneTimeCode, User  # noqa: F401
from app.assist.models import CommunityTeam  # noqa: F401
from app.catalogue.models import (  # noqa: F401
    CalendarOverride,
    CollectionAccount,
    Procedure,
    RequiredDocument,
    Unit,
)
from app.dossiers.models import Attachment, Dossier, DossierEvent, DossierSequence  # noqa: F401
from app.feedback.models import Feedback, Rating, RatingInvitation  # noqa: F401
from app.notifications.models import GatewayState, Notification  # noqa: F401
from app.payments.models import IncomingTransfer, Payment, Refund  # noqa: F401
from app.postal.models import (  # noqa: F401
    ApiToken,
    DeliveryAttempt,
    HandoverManifest,
    ManifestItem,
    PickupSlot,
    PostalPayment,
    PostOffice,
    PostOfficeClosure,
    PostOfficeCommune,
    S10Serial,
    Shipment,
    SlotTemplateRow,
)
from app.reports.models import ReportDay, ReportNumber  # noqa: F401
