"""SPBE in ArchiMate terms: which element type each SPBE class is, and which relationship each property is.

Chosen so that every exported relationship is one ArchiMate 3.2 allows (:mod:`.table`): an
application *serves* the process it supports, *realises* the service delivered through it and
*accesses* the data it holds; a node *serves* what it hosts; an actor is *assigned to* the process
it performs; parts are *compositions*; a regulation is a constraint an element *realises*. A
property with no ArchiMate counterpart, or one whose counterpart the table forbids for the two
types at hand, becomes an association carrying the SPBE property, so nothing is lost and an
import gives it back.
"""

from __future__ import annotations

from arsitek.vocab import SPBE

ORG = "http://www.w3.org/ns/org#"

#: most specific first: an element takes the type of the first of its classes listed
ELEMENT_TYPES: tuple[tuple[str, str], ...] = (
    (f"{SPBE}ProsesBisnis", "BusinessProcess"),
    (f"{SPBE}Layanan", "BusinessService"),
    (f"{SPBE}Antarmuka", "ApplicationInterface"),
    (f"{SPBE}Aplikasi", "ApplicationComponent"),
    (f"{SPBE}DataInformasi", "DataObject"),
    (f"{SPBE}PerangkatPengguna", "Device"),
    (f"{SPBE}Jaringan", "CommunicationNetwork"),
    (f"{SPBE}SistemPenghubungLayanan", "SystemSoftware"),
    (f"{SPBE}Infrastruktur", "Node"),
    (f"{SPBE}Peran", "BusinessRole"),
    (f"{SPBE}UnitOrganisasi", "BusinessActor"),
    (f"{SPBE}Instansi", "BusinessActor"),
    (f"{ORG}Organization", "BusinessActor"),
    (f"{SPBE}Regulasi", "Constraint"),
    (f"{SPBE}KebijakanKeamanan", "Constraint"),
    (f"{SPBE}KebijakanAkses", "Constraint"),
    (f"{SPBE}KontrolKeamanan", "Requirement"),
    (f"{SPBE}PrinsipArsitektur", "Principle"),
    (f"{SPBE}Risiko", "Assessment"),
    (f"{SPBE}InsidenKeamanan", "BusinessEvent"),
    (f"{SPBE}ElemenArchiMate", "Grouping"),  # its own type, kept in spbe:tipeArchimate, comes first
)

#: a data entity that is a paper record (it has a form) is a business object, not a data object
PAPER = f"{SPBE}bentuk"

#: SPBE property (local name) -> (relationship, True when the ArchiMate source is the SPBE object)
RELATIONSHIPS: dict[str, tuple[str, bool]] = {
    "didukungOleh": ("Serving", True),  # the application serves the process
    "disediakanMelalui": ("Realization", True),  # the application realises the service
    "menyimpanData": ("Access", False),  # the application accesses the data
    "dihostingDi": ("Serving", True),  # the node serves the application
    "dilaksanakanOleh": ("Assignment", True),  # the actor is assigned to the process
    "bagianDari": ("Composition", True),  # the whole is composed of the part
    "subOrganizationOf": ("Composition", True),
    "unitOf": ("Composition", True),
    "disediakanOleh": ("Composition", True),  # the application is composed of its interface
    "dasarHukum": ("Realization", False),  # the element realises the regulation's constraint
    "menghasilkanLayanan": ("Realization", False),  # the process realises the service
    "diembanOleh": ("Assignment", True),  # the actor is assigned to the role
    "melindungi": ("Realization", True),  # the protected element realises the control's requirement
    "berlakuUntuk": ("Association", False),
}

#: SPBE properties shown as ArchiMate properties of the element (codes and names, not relationships)
PROPERTIES = (
    "pemilik",
    "statusSiklusHidup",
    "merealisasikan",
    "keterbukaan",
    "jenisData",
    "basisAplikasi",
    "polaIntegrasi",
    "enkripsi",
    "autentikasi",
    "idSia",
    "url",
)

#: the identifier property: the element's IRI, so a round trip finds it again
IRI_PROPERTY = "arsitek:iri"
#: the SPBE class, so a round trip restores an Aplikasi Khusus, not only an application component
CLASS_PROPERTY = "arsitek:kelas"
#: an association's SPBE property, when the association stands for one
PREDICATE_PROPERTY = "arsitek:properti"
