// Translations (es, en, fr) and locale-aware formatting. Every word the page shows is here.

export const LANGUAGES = ["es", "en", "fr"];
const STORAGE_KEY = "opi.dashboard.lang";

const es = {
  "app.title": "Protección de la niñez migrante",
  "app.subtitle": "Estadísticas de protección",
  "app.national": "Panorama nacional",
  "app.regional": "Panorama regional (CRM)",
  "app.loading": "Cargando…",
  "skip": "Saltar al contenido",
  "lang.label": "Idioma",

  "auth.title": "Iniciar sesión",
  "auth.intro":
    "Pegue su token de acceso para ver las estadísticas. El token se guarda solo en esta pestaña del navegador.",
  "auth.token": "Token de acceso",
  "auth.submit": "Entrar",
  "auth.signOut": "Cerrar sesión",
  "auth.empty": "Pegue un token antes de continuar.",
  "error.401": "Su sesión no es válida o ha expirado. Pegue un token nuevo.",
  "error.403.national":
    "Su cuenta no tiene permiso para ver estas estadísticas (se requiere el rol de supervisión).",
  "error.403.regional":
    "Su cuenta no tiene permiso para ver las estadísticas regionales (se requiere el rol de analista regional).",
  "error.network":
    "No se pudo contactar con el servicio de estadísticas. Se reintentará automáticamente.",
  "error.server": "El servicio de estadísticas respondió con un error ({status}).",
  "error.config": "No se pudo cargar la configuración del tablero. Recargue la página.",
  "error.range": "La fecha «desde» es posterior a la fecha «hasta».",

  "live.on": "En directo",
  "live.reconnecting": "Reconectando…",
  "live.off": "Sin actualización en directo",
  "updated": "Actualizado a las {time}",
  "asOf": "Datos al {time}",

  "filters.title": "Filtros",
  "filters.period": "Agrupar por",
  "filters.range": "Intervalo",
  "filters.from": "Desde",
  "filters.to": "Hasta",
  "filters.admin1": "Subdivisión",
  "filters.measure": "Contar",
  "filters.reset": "Restablecer",
  "period.day": "Día",
  "period.week": "Semana",
  "period.month": "Mes",
  "range.all": "Todo el periodo",
  "range.30d": "Últimos 30 días",
  "range.90d": "Últimos 90 días",
  "range.12m": "Últimos 12 meses",
  "range.ytd": "Este año",
  "range.custom": "Personalizado",
  "admin1.all": "Todo el país",
  "measure.events": "Registros (eventos)",
  "measure.children": "Menores distintos",
  "scope.all": "todo el periodo",
  "scope.from": "desde el {from}",
  "scope.to": "hasta el {to}",
  "scope.range": "del {from} al {to}",
  "scope.monthRange": "{from} – {to}",
  "scope.monthFrom": "desde {from}",
  "scope.monthTo": "hasta {to}",

  "unit.events": "eventos",
  "unit.children": "menores distintos",
  "unit.alerts": "alertas",
  "unit.places": "plazas",
  "unit.cases": "casos distintos",
  "unit.cases.help":
    "Cuenta casos distintos (una clave seudónima por menor): cada menor cuenta una sola vez.",
  "unit.events.help": "Cuenta eventos: un menor registrado dos veces cuenta dos veces.",
  "unit.children.help": "Cuenta menores distintos: cada menor cuenta una sola vez.",
  "unit.alerts.help": "Cuenta alertas abiertas (una por caso y tipo).",
  "unit.places.help": "Cuenta plazas de albergue.",
  "unit.handovers": "entregas",
  "unit.handovers.help":
    "Cuenta entregas transfronterizas de un país a otro; el contenido sellado de cada entrega no es legible por la región.",

  "kpi.registrations": "Registros",
  "kpi.registrations.sub": "{children} menores distintos",
  "kpi.children": "Menores registrados",
  "kpi.children.sub": "{events} registros",
  "kpi.screening": "Entrevistados en 24 h",
  "kpi.screening.sub": "{within} de {due} menores con entrevista debida",
  "kpi.consular": "Horas hasta la notificación consular",
  "kpi.consular.value": "{median} h",
  "kpi.consular.sub": "mediana · percentil 90: {p90} h · {notified} notificados",
  "kpi.protection": "Necesidad de protección internacional",
  "kpi.protection.sub": "posibles solicitantes de refugio",
  "kpi.trafficking": "Presuntas víctimas de trata",
  "kpi.trafficking.sub": "canalizados a la fiscalía",
  "kpi.pending": "Pendientes de albergue",
  "kpi.pending.sub": "{inShelter} menores en albergue",
  "kpi.alerts": "Alertas abiertas",
  "kpi.alerts.sub": "plazos vencidos y entregas fallidas",
  "kpi.notAvailable": "sin datos",

  "chart.time": "Registros por nacionalidad a lo largo del tiempo",
  "chart.time.desc":
    "Barras apiladas por periodo: las nacionalidades más frecuentes y «otras».",
  "chart.pyramid": "Pirámide por grupo de edad y sexo",
  "chart.pyramid.others": "Además: {intersex} intersexuales · {unknown} sin dato de sexo",
  "chart.accompaniment": "Acompañamiento",
  "chart.protection": "Necesidades de protección y canalizaciones",
  "chart.deadlines": "Cumplimiento de plazos",
  "chart.deadlines.screening": "Entrevistados dentro de las 24 horas",
  "chart.deadlines.screeningDetail":
    "{due} menores debían ser entrevistados; {screened} lo fueron, {within} dentro de las 24 horas.",
  "chart.deadlines.consular": "Notificación consular",
  "chart.deadlines.consularDetail":
    "Mediana: {median} h · percentil 90: {p90} h · {notified} menores notificados.",
  "chart.alerts": "Alertas abiertas por tipo",
  "chart.shelters": "Ocupación de albergues",
  "chart.shelters.summary": "{pending} menores pendientes de albergue · {inShelter} en albergue",
  "chart.shelters.none": "No hay albergues registrados.",
  "chart.admin1": "Registros por subdivisión",
  "chart.outcomes": "Resultados de los casos",
  "chart.noData": "Sin datos para estos filtros.",
  "chart.other": "Otras",
  "chart.otherSubdivisions": "Otras subdivisiones",
  "chart.unknown": "Sin dato",
  "chart.total": "Total",
  "chart.weekOf": "Semana del {date}",
  "chart.capacityUnknown": "capacidad no registrada",
  "chart.capacity": "capacidad {capacity}",

  "table.show": "Ver tabla de datos",
  "table.total": "Total",
  "csv.download": "Descargar CSV",

  "col.period": "Periodo",
  "col.nationality": "Nacionalidad",
  "col.country": "País",
  "col.sex": "Sexo",
  "col.ageGroup": "Grupo de edad",
  "col.accompaniment": "Acompañamiento",
  "col.events": "Registros (eventos)",
  "col.children": "Menores distintos",
  "col.category": "Categoría",
  "col.value": "Valor",
  "col.shelter": "Albergue",
  "col.admin1": "Subdivisión",
  "col.occupied": "Ocupadas",
  "col.capacity": "Capacidad",
  "col.cases": "Casos",
  "col.medianDays": "Mediana (días)",
  "col.p90Days": "Percentil 90 (días)",
  "col.sender": "País que entrega",
  "col.destination": "País de destino",
  "col.handovers": "Entregas",
  "col.outcome": "Resultado",
  "col.kind": "Tipo",

  "sex.female": "Femenino",
  "sex.male": "Masculino",
  "sex.intersex": "Intersexual",
  "sex.unknown": "Sin dato",
  "age.0-11": "0–11 años",
  "age.12-17": "12–17 años",
  "age.unknown": "Edad sin dato",
  "acc.unknown": "Sin dato",
  "acc.unaccompanied": "No acompañados",
  "acc.separated": "Separados",
  "acc.accompanied": "Acompañados",
  "protection.need": "Necesidad de protección internacional",
  "protection.trafficking": "Presunta trata",
  "referral.to": "Canalizados a {authority}",
  "referral.refugee_commission": "comisión de refugiados",
  "referral.prosecutor": "fiscalía",
  "alert.screening_overdue": "Entrevista no realizada en plazo",
  "alert.consular_notice_overdue": "Notificación consular vencida",
  "alert.flag_after_consular_notice": "Indicador de protección tras notificación consular",
  "alert.delivery_failed": "Entrega de aviso fallida",
  "outcome.returned": "Retorno asistido",
  "outcome.reunified": "Reunificación familiar",
  "outcome.refugee_status": "Condición de refugiado",
  "outcome.absconded": "Salida no autorizada",
  "outcome.transferred": "Traslado",
  "outcome.other": "Otro",
  "shelter.occupied": "Plazas ocupadas",
  "shelter.free": "Plazas libres",
  "shelter.over": "Por encima de la capacidad",

  "regional.legend.title": "Protección de celdas pequeñas",
  "regional.legend.text":
    "Para que ningún menor pueda ser identificado, los conteos inferiores a {k} se suprimen, junto con las celdas necesarias para que no puedan recalcularse a partir de los totales. Un valor suprimido se muestra así: {mark}. No significa cero: los ceros se muestran como 0.",
  "regional.legend.chart":
    "En los gráficos, una marca rayada sobre el eje señala un valor suprimido.",
  "regional.suppressed": "suprimido",
  "regional.suppressedValue": "valor suprimido (protección de celdas pequeñas)",
  "regional.unit.help":
    "Datos regionales anonimizados: cuenta eventos comunicados por cada país.",
  "ind.registered": "Registros",
  "ind.international_protection_need": "Necesidad de protección internacional",
  "ind.trafficking_suspected": "Presunta trata",
  "ind.referred": "Canalizaciones",
  "ind.consular_notified": "Notificaciones consulares",
  "ind.placed": "Ingresos a albergue",
  "ind.released": "Egresos de albergue",
  "r.chart.time": "Registros a lo largo del tiempo por país que informa",
  "r.chart.nationality": "Registros por nacionalidad",
  "r.chart.sexAge": "Registros por sexo y grupo de edad",
  "r.chart.accompaniment": "Registros por acompañamiento",
  "r.chart.indicators": "Indicadores por país",
  "r.chart.outcomes": "Resultados por país",
  "r.chart.consular": "Días hasta la notificación consular",
  "r.chart.consular.median": "Mediana (días)",
  "r.chart.consular.p90": "Percentil 90 (días)",
  "r.chart.handovers": "Entregas transfronterizas enviadas y recibidas por par de países",
  "r.chart.handoverDays": "Días desde la entrega hasta la recepción, por par de países",
  "r.handovers.sent": "Enviadas",
  "r.handovers.received": "Recepción confirmada",
  "r.handovers.pair": "{sender} → {destination}",

  "footer.counts":
    "Los registros cuentan eventos (un menor registrado dos veces cuenta dos veces); las cifras marcadas «menores distintos» cuentan a cada menor una sola vez.",
  "footer.privacy":
    "Esta página no almacena datos: cada cifra se solicita al servicio de estadísticas con su token, y nada se carga desde otros sitios.",
};

const en = {
  "app.title": "Child migrant protection",
  "app.subtitle": "Protection statistics",
  "app.national": "National overview",
  "app.regional": "Regional overview (RCM)",
  "app.loading": "Loading…",
  "skip": "Skip to content",
  "lang.label": "Language",

  "auth.title": "Sign in",
  "auth.intro":
    "Paste your access token to see the statistics. The token is kept in this browser tab only.",
  "auth.token": "Access token",
  "auth.submit": "Sign in",
  "auth.signOut": "Sign out",
  "auth.empty": "Paste a token first.",
  "error.401": "Your session is not valid or has expired. Paste a new token.",
  "error.403.national":
    "Your account may not see these statistics (the supervisor role is required).",
  "error.403.regional":
    "Your account may not see the regional statistics (the regional analyst role is required).",
  "error.network": "The statistics service cannot be reached. Retrying automatically.",
  "error.server": "The statistics service answered with an error ({status}).",
  "error.config": "The dashboard configuration could not be loaded. Reload the page.",
  "error.range": "The “from” date is after the “to” date.",

  "live.on": "Live",
  "live.reconnecting": "Reconnecting…",
  "live.off": "Not live",
  "updated": "Updated {time}",
  "asOf": "Data as of {time}",

  "filters.title": "Filters",
  "filters.period": "Group by",
  "filters.range": "Range",
  "filters.from": "From",
  "filters.to": "To",
  "filters.admin1": "Subdivision",
  "filters.measure": "Count",
  "filters.reset": "Reset",
  "period.day": "Day",
  "period.week": "Week",
  "period.month": "Month",
  "range.all": "All time",
  "range.30d": "Last 30 days",
  "range.90d": "Last 90 days",
  "range.12m": "Last 12 months",
  "range.ytd": "This year",
  "range.custom": "Custom",
  "admin1.all": "Whole country",
  "measure.events": "Registrations (events)",
  "measure.children": "Distinct children",
  "scope.all": "all time",
  "scope.from": "from {from}",
  "scope.to": "until {to}",
  "scope.range": "{from} to {to}",
  "scope.monthRange": "{from} – {to}",
  "scope.monthFrom": "from {from}",
  "scope.monthTo": "until {to}",

  "unit.events": "events",
  "unit.children": "distinct children",
  "unit.alerts": "alerts",
  "unit.places": "places",
  "unit.cases": "distinct cases",
  "unit.cases.help":
    "Counts distinct cases (one pseudonymous key per child): each child counts once.",
  "unit.events.help": "Counts events: a child registered twice counts twice.",
  "unit.children.help": "Counts distinct children: each child counts once.",
  "unit.alerts.help": "Counts open alerts (one per case and kind).",
  "unit.places.help": "Counts shelter places.",
  "unit.handovers": "handovers",
  "unit.handovers.help":
    "Counts cross-border handovers from one country to another; the sealed content of a handover is not readable by the region.",

  "kpi.registrations": "Registrations",
  "kpi.registrations.sub": "{children} distinct children",
  "kpi.children": "Children registered",
  "kpi.children.sub": "{events} registrations",
  "kpi.screening": "Screened within 24 h",
  "kpi.screening.sub": "{within} of {due} children due for screening",
  "kpi.consular": "Hours to consular notification",
  "kpi.consular.value": "{median} h",
  "kpi.consular.sub": "median · 90th percentile: {p90} h · {notified} notified",
  "kpi.protection": "International protection need",
  "kpi.protection.sub": "possible asylum seekers",
  "kpi.trafficking": "Presumed trafficking victims",
  "kpi.trafficking.sub": "referred to the prosecutor",
  "kpi.pending": "Pending placements",
  "kpi.pending.sub": "{inShelter} children in a shelter",
  "kpi.alerts": "Open alerts",
  "kpi.alerts.sub": "missed deadlines and failed deliveries",
  "kpi.notAvailable": "no data",

  "chart.time": "Registrations over time by nationality",
  "chart.time.desc": "Stacked bars per period: the most frequent nationalities and “other”.",
  "chart.pyramid": "Age group × sex pyramid",
  "chart.pyramid.others": "Also: {intersex} intersex · {unknown} sex unknown",
  "chart.accompaniment": "Accompaniment",
  "chart.protection": "Protection needs and referrals",
  "chart.deadlines": "Deadline compliance",
  "chart.deadlines.screening": "Screened within 24 hours",
  "chart.deadlines.screeningDetail":
    "{due} children were due for screening; {screened} were screened, {within} within 24 hours.",
  "chart.deadlines.consular": "Consular notification",
  "chart.deadlines.consularDetail":
    "Median: {median} h · 90th percentile: {p90} h · {notified} children notified.",
  "chart.alerts": "Open alerts by kind",
  "chart.shelters": "Shelter occupancy",
  "chart.shelters.summary": "{pending} children pending placement · {inShelter} in a shelter",
  "chart.shelters.none": "No shelters registered.",
  "chart.admin1": "Registrations by subdivision",
  "chart.outcomes": "Case outcomes",
  "chart.noData": "No data for these filters.",
  "chart.other": "Other",
  "chart.otherSubdivisions": "Other subdivisions",
  "chart.unknown": "Unknown",
  "chart.total": "Total",
  "chart.weekOf": "Week of {date}",
  "chart.capacityUnknown": "capacity not recorded",
  "chart.capacity": "capacity {capacity}",

  "table.show": "Show data table",
  "table.total": "Total",
  "csv.download": "Download CSV",

  "col.period": "Period",
  "col.nationality": "Nationality",
  "col.country": "Country",
  "col.sex": "Sex",
  "col.ageGroup": "Age group",
  "col.accompaniment": "Accompaniment",
  "col.events": "Registrations (events)",
  "col.children": "Distinct children",
  "col.category": "Category",
  "col.value": "Value",
  "col.shelter": "Shelter",
  "col.admin1": "Subdivision",
  "col.occupied": "Occupied",
  "col.capacity": "Capacity",
  "col.cases": "Cases",
  "col.medianDays": "Median (days)",
  "col.p90Days": "90th percentile (days)",
  "col.sender": "Sending country",
  "col.destination": "Destination country",
  "col.handovers": "Handovers",
  "col.outcome": "Outcome",
  "col.kind": "Kind",

  "sex.female": "Female",
  "sex.male": "Male",
  "sex.intersex": "Intersex",
  "sex.unknown": "Unknown",
  "age.0-11": "0–11 years",
  "age.12-17": "12–17 years",
  "age.unknown": "Age unknown",
  "acc.unknown": "Unknown",
  "acc.unaccompanied": "Unaccompanied",
  "acc.separated": "Separated",
  "acc.accompanied": "Accompanied",
  "protection.need": "International protection need",
  "protection.trafficking": "Presumed trafficking",
  "referral.to": "Referred to {authority}",
  "referral.refugee_commission": "refugee commission",
  "referral.prosecutor": "prosecutor",
  "alert.screening_overdue": "Screening overdue",
  "alert.consular_notice_overdue": "Consular notification overdue",
  "alert.flag_after_consular_notice": "Protection flag after consular notification",
  "alert.delivery_failed": "Notice delivery failed",
  "outcome.returned": "Assisted return",
  "outcome.reunified": "Family reunification",
  "outcome.refugee_status": "Refugee status",
  "outcome.absconded": "Absconded",
  "outcome.transferred": "Transferred",
  "outcome.other": "Other",
  "shelter.occupied": "Occupied places",
  "shelter.free": "Free places",
  "shelter.over": "Over capacity",

  "regional.legend.title": "Small-cell protection",
  "regional.legend.text":
    "So that no child can be identified, counts below {k} are suppressed, together with the cells needed so that they cannot be recomputed from the totals. A suppressed value is shown as {mark}. It does not mean zero: zeros are shown as 0.",
  "regional.legend.chart": "In the charts, a hatched mark on the axis flags a suppressed value.",
  "regional.suppressed": "suppressed",
  "regional.suppressedValue": "suppressed value (small-cell protection)",
  "regional.unit.help": "Anonymised regional data: counts events reported by each country.",
  "ind.registered": "Registrations",
  "ind.international_protection_need": "International protection need",
  "ind.trafficking_suspected": "Presumed trafficking",
  "ind.referred": "Referrals",
  "ind.consular_notified": "Consular notifications",
  "ind.placed": "Shelter placements",
  "ind.released": "Shelter releases",
  "r.chart.time": "Registrations over time by reporting country",
  "r.chart.nationality": "Registrations by nationality",
  "r.chart.sexAge": "Registrations by sex and age group",
  "r.chart.accompaniment": "Registrations by accompaniment",
  "r.chart.indicators": "Indicators by country",
  "r.chart.outcomes": "Outcomes by country",
  "r.chart.consular": "Days to consular notification",
  "r.chart.consular.median": "Median (days)",
  "r.chart.consular.p90": "90th percentile (days)",
  "r.chart.handovers": "Cross-border handovers sent and received per pair of countries",
  "r.chart.handoverDays": "Days from handover to reception, per pair of countries",
  "r.handovers.sent": "Sent",
  "r.handovers.received": "Reception acknowledged",
  "r.handovers.pair": "{sender} → {destination}",

  "footer.counts":
    "Registrations count events (a child registered twice counts twice); figures marked “distinct children” count each child once.",
  "footer.privacy":
    "This page stores no data: every figure is requested from the statistics service with your token, and nothing is loaded from other sites.",
};

const fr = {
  "app.title": "Protection des enfants migrants",
  "app.subtitle": "Statistiques de protection",
  "app.national": "Vue nationale",
  "app.regional": "Vue régionale (CRM)",
  "app.loading": "Chargement…",
  "skip": "Aller au contenu",
  "lang.label": "Langue",

  "auth.title": "Connexion",
  "auth.intro":
    "Collez votre jeton d’accès pour voir les statistiques. Le jeton n’est conservé que dans cet onglet du navigateur.",
  "auth.token": "Jeton d’accès",
  "auth.submit": "Se connecter",
  "auth.signOut": "Se déconnecter",
  "auth.empty": "Collez d’abord un jeton.",
  "error.401": "Votre session n’est pas valide ou a expiré. Collez un nouveau jeton.",
  "error.403.national":
    "Votre compte n’a pas accès à ces statistiques (le rôle de superviseur est requis).",
  "error.403.regional":
    "Votre compte n’a pas accès aux statistiques régionales (le rôle d’analyste régional est requis).",
  "error.network":
    "Le service de statistiques est injoignable. Nouvelle tentative automatique.",
  "error.server": "Le service de statistiques a répondu par une erreur ({status}).",
  "error.config": "La configuration du tableau de bord n’a pas pu être chargée. Rechargez la page.",
  "error.range": "La date « du » est postérieure à la date « au ».",

  "live.on": "En direct",
  "live.reconnecting": "Reconnexion…",
  "live.off": "Pas de mise à jour en direct",
  "updated": "Mis à jour à {time}",
  "asOf": "Données au {time}",

  "filters.title": "Filtres",
  "filters.period": "Regrouper par",
  "filters.range": "Intervalle",
  "filters.from": "Du",
  "filters.to": "Au",
  "filters.admin1": "Subdivision",
  "filters.measure": "Compter",
  "filters.reset": "Réinitialiser",
  "period.day": "Jour",
  "period.week": "Semaine",
  "period.month": "Mois",
  "range.all": "Toute la période",
  "range.30d": "30 derniers jours",
  "range.90d": "90 derniers jours",
  "range.12m": "12 derniers mois",
  "range.ytd": "Cette année",
  "range.custom": "Personnalisé",
  "admin1.all": "Tout le pays",
  "measure.events": "Enregistrements (événements)",
  "measure.children": "Enfants distincts",
  "scope.all": "toute la période",
  "scope.from": "depuis le {from}",
  "scope.to": "jusqu’au {to}",
  "scope.range": "du {from} au {to}",
  "scope.monthRange": "{from} – {to}",
  "scope.monthFrom": "depuis {from}",
  "scope.monthTo": "jusqu’à {to}",

  "unit.events": "événements",
  "unit.children": "enfants distincts",
  "unit.alerts": "alertes",
  "unit.places": "places",
  "unit.cases": "dossiers distincts",
  "unit.cases.help":
    "Compte des dossiers distincts (une clé pseudonyme par enfant) : chaque enfant compte une fois.",
  "unit.events.help": "Compte des événements : un enfant enregistré deux fois compte deux fois.",
  "unit.children.help": "Compte des enfants distincts : chaque enfant compte une seule fois.",
  "unit.alerts.help": "Compte les alertes ouvertes (une par dossier et par type).",
  "unit.places.help": "Compte des places d’hébergement.",
  "unit.handovers": "remises",
  "unit.handovers.help":
    "Compte les remises transfrontalières d’un pays à un autre ; le contenu scellé d’une remise n’est pas lisible par la région.",

  "kpi.registrations": "Enregistrements",
  "kpi.registrations.sub": "{children} enfants distincts",
  "kpi.children": "Enfants enregistrés",
  "kpi.children.sub": "{events} enregistrements",
  "kpi.screening": "Évalués sous 24 h",
  "kpi.screening.sub": "{within} sur {due} enfants à évaluer",
  "kpi.consular": "Heures avant la notification consulaire",
  "kpi.consular.value": "{median} h",
  "kpi.consular.sub": "médiane · 90e centile : {p90} h · {notified} notifiés",
  "kpi.protection": "Besoin de protection internationale",
  "kpi.protection.sub": "demandeurs d’asile potentiels",
  "kpi.trafficking": "Victimes présumées de traite",
  "kpi.trafficking.sub": "orientées vers le parquet",
  "kpi.pending": "En attente de placement",
  "kpi.pending.sub": "{inShelter} enfants hébergés",
  "kpi.alerts": "Alertes ouvertes",
  "kpi.alerts.sub": "délais dépassés et remises échouées",
  "kpi.notAvailable": "pas de données",

  "chart.time": "Enregistrements dans le temps par nationalité",
  "chart.time.desc":
    "Barres empilées par période : les nationalités les plus fréquentes et « autres ».",
  "chart.pyramid": "Pyramide par tranche d’âge et sexe",
  "chart.pyramid.others": "En outre : {intersex} intersexes · {unknown} sexe inconnu",
  "chart.accompaniment": "Accompagnement",
  "chart.protection": "Besoins de protection et orientations",
  "chart.deadlines": "Respect des délais",
  "chart.deadlines.screening": "Évalués dans les 24 heures",
  "chart.deadlines.screeningDetail":
    "{due} enfants devaient être évalués ; {screened} l’ont été, dont {within} dans les 24 heures.",
  "chart.deadlines.consular": "Notification consulaire",
  "chart.deadlines.consularDetail":
    "Médiane : {median} h · 90e centile : {p90} h · {notified} enfants notifiés.",
  "chart.alerts": "Alertes ouvertes par type",
  "chart.shelters": "Occupation des centres d’hébergement",
  "chart.shelters.summary": "{pending} enfants en attente de placement · {inShelter} hébergés",
  "chart.shelters.none": "Aucun centre d’hébergement enregistré.",
  "chart.admin1": "Enregistrements par subdivision",
  "chart.outcomes": "Issues des dossiers",
  "chart.noData": "Aucune donnée pour ces filtres.",
  "chart.other": "Autres",
  "chart.otherSubdivisions": "Autres subdivisions",
  "chart.unknown": "Inconnu",
  "chart.total": "Total",
  "chart.weekOf": "Semaine du {date}",
  "chart.capacityUnknown": "capacité non renseignée",
  "chart.capacity": "capacité {capacity}",

  "table.show": "Afficher le tableau de données",
  "table.total": "Total",
  "csv.download": "Télécharger en CSV",

  "col.period": "Période",
  "col.nationality": "Nationalité",
  "col.country": "Pays",
  "col.sex": "Sexe",
  "col.ageGroup": "Tranche d’âge",
  "col.accompaniment": "Accompagnement",
  "col.events": "Enregistrements (événements)",
  "col.children": "Enfants distincts",
  "col.category": "Catégorie",
  "col.value": "Valeur",
  "col.shelter": "Centre d’hébergement",
  "col.admin1": "Subdivision",
  "col.occupied": "Occupées",
  "col.capacity": "Capacité",
  "col.cases": "Dossiers",
  "col.medianDays": "Médiane (jours)",
  "col.p90Days": "90e centile (jours)",
  "col.sender": "Pays remettant",
  "col.destination": "Pays de destination",
  "col.handovers": "Remises",
  "col.outcome": "Issue",
  "col.kind": "Type",

  "sex.female": "Féminin",
  "sex.male": "Masculin",
  "sex.intersex": "Intersexe",
  "sex.unknown": "Inconnu",
  "age.0-11": "0–11 ans",
  "age.12-17": "12–17 ans",
  "age.unknown": "Âge inconnu",
  "acc.unknown": "Inconnu",
  "acc.unaccompanied": "Non accompagnés",
  "acc.separated": "Séparés",
  "acc.accompanied": "Accompagnés",
  "protection.need": "Besoin de protection internationale",
  "protection.trafficking": "Traite présumée",
  "referral.to": "Orientés vers {authority}",
  "referral.refugee_commission": "commission des réfugiés",
  "referral.prosecutor": "parquet",
  "alert.screening_overdue": "Évaluation en retard",
  "alert.consular_notice_overdue": "Notification consulaire en retard",
  "alert.flag_after_consular_notice": "Signalement de protection après notification consulaire",
  "alert.delivery_failed": "Échec de remise d’un avis",
  "outcome.returned": "Retour assisté",
  "outcome.reunified": "Réunification familiale",
  "outcome.refugee_status": "Statut de réfugié",
  "outcome.absconded": "Fugue",
  "outcome.transferred": "Transfert",
  "outcome.other": "Autre",
  "shelter.occupied": "Places occupées",
  "shelter.free": "Places libres",
  "shelter.over": "Au-delà de la capacité",

  "regional.legend.title": "Protection des petits effectifs",
  "regional.legend.text":
    "Pour qu’aucun enfant ne puisse être identifié, les effectifs inférieurs à {k} sont masqués, ainsi que les cellules nécessaires pour qu’ils ne puissent pas être recalculés à partir des totaux. Une valeur masquée s’affiche ainsi : {mark}. Elle ne signifie pas zéro : les zéros s’affichent 0.",
  "regional.legend.chart": "Dans les graphiques, une marque hachurée sur l’axe signale une valeur masquée.",
  "regional.suppressed": "masqué",
  "regional.suppressedValue": "valeur masquée (protection des petits effectifs)",
  "regional.unit.help":
    "Données régionales anonymisées : compte les événements déclarés par chaque pays.",
  "ind.registered": "Enregistrements",
  "ind.international_protection_need": "Besoin de protection internationale",
  "ind.trafficking_suspected": "Traite présumée",
  "ind.referred": "Orientations",
  "ind.consular_notified": "Notifications consulaires",
  "ind.placed": "Placements en hébergement",
  "ind.released": "Sorties d’hébergement",
  "r.chart.time": "Enregistrements dans le temps par pays déclarant",
  "r.chart.nationality": "Enregistrements par nationalité",
  "r.chart.sexAge": "Enregistrements par sexe et tranche d’âge",
  "r.chart.accompaniment": "Enregistrements par accompagnement",
  "r.chart.indicators": "Indicateurs par pays",
  "r.chart.outcomes": "Issues par pays",
  "r.chart.consular": "Jours avant la notification consulaire",
  "r.chart.consular.median": "Médiane (jours)",
  "r.chart.consular.p90": "90e centile (jours)",
  "r.chart.handovers": "Remises transfrontalières envoyées et reçues par paire de pays",
  "r.chart.handoverDays": "Jours entre la remise et la réception, par paire de pays",
  "r.handovers.sent": "Envoyées",
  "r.handovers.received": "Réception confirmée",
  "r.handovers.pair": "{sender} → {destination}",

  "footer.counts":
    "Les enregistrements comptent des événements (un enfant enregistré deux fois compte deux fois) ; les chiffres marqués « enfants distincts » comptent chaque enfant une fois.",
  "footer.privacy":
    "Cette page ne stocke aucune donnée : chaque chiffre est demandé au service de statistiques avec votre jeton, et rien n’est chargé depuis d’autres sites.",
};

export const DICTIONARIES = { es, en, fr };

let current = "es";
const listeners = new Set();

export function language() {
  return current;
}

/** The language to start with: the remembered choice, else the browser's, else Spanish. */
export function initialLanguage() {
  let remembered = null;
  try {
    remembered = localStorage.getItem(STORAGE_KEY);
  } catch {
    remembered = null;
  }
  if (LANGUAGES.includes(remembered)) return remembered;
  const preferred = navigator.languages && navigator.languages.length
    ? navigator.languages
    : [navigator.language || ""];
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "es";
}

export function setLanguage(lang, { remember = true } = {}) {
  current = LANGUAGES.includes(lang) ? lang : "es";
  document.documentElement.lang = current;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, current);
    } catch {
      // Private mode: the choice lasts as long as the page.
    }
  }
  applyTranslations(document);
  for (const listener of listeners) listener(current);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
}

/** The translation of ``key`` in the current language, with ``{name}`` placeholders filled. */
export function t(key, params = {}) {
  const text = DICTIONARIES[current][key] ?? DICTIONARIES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
  );
}

/** Fills every element marked data-i18n (text), data-i18n-aria-label, -title, -placeholder. */
export function applyTranslations(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const [attr, data] of [
    ["aria-label", "i18nAriaLabel"],
    ["title", "i18nTitle"],
    ["placeholder", "i18nPlaceholder"],
  ]) {
    for (const el of root.querySelectorAll(`[data-${camelToKebab(data)}]`)) {
      el.setAttribute(attr, t(el.dataset[data]));
    }
  }
  document.title = `${t("app.title")} — ${t("app.subtitle")}`;
}

function camelToKebab(name) {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

// ---------------------------------------------------------------- formatting

const LOCALES = { es: "es-MX", en: "en-GB", fr: "fr-FR" };

export function locale() {
  return LOCALES[current] || current;
}

export function formatNumber(value, options = {}) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(locale(), options).format(value);
}

export function formatPercent(share) {
  if (share === null || share === undefined) return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(
    share,
  );
}

export function formatDecimal(value) {
  return formatNumber(value, { maximumFractionDigits: 1 });
}

const displayNamesCache = new Map();

/** The name of a country (ISO 3166 alpha-2) in the current language, else the code. */
export function countryName(code) {
  if (!code || !/^[A-Za-z]{2}$/.test(String(code))) return t("chart.unknown");
  const key = `${current}`;
  let names = displayNamesCache.get(key);
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames([locale(), current], { type: "region", fallback: "code" });
    } catch {
      names = null;
    }
    displayNamesCache.set(key, names);
  }
  if (!names) return code;
  try {
    return names.of(String(code).toUpperCase()) || code;
  } catch {
    return code;
  }
}

function utcDate(iso) {
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, (m || 1) - 1, d || 1));
}

/** A calendar date (YYYY-MM-DD), formatted without any time-zone shift. */
export function formatDate(iso, options = { day: "numeric", month: "short", year: "numeric" }) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: "UTC" }).format(utcDate(iso));
}

/** The label of a period bucket: its first day is given (weeks start on Monday). */
export function periodLabel(iso, granularity) {
  if (granularity === "month") {
    return formatDate(iso, { month: "short", year: "numeric" });
  }
  if (granularity === "week") {
    return t("chart.weekOf", { date: formatDate(iso, { day: "numeric", month: "short" }) });
  }
  return formatDate(iso, { day: "numeric", month: "short", year: "numeric" });
}

export function formatTime(date) {
  return new Intl.DateTimeFormat(locale(), {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(date);
}

export function formatDateTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(locale(), {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

export function sexLabel(value) {
  return known(`sex.${value}`, value);
}

export function ageLabel(value) {
  return known(`age.${value}`, value);
}

export function accompanimentLabel(value) {
  return known(`acc.${value}`, value);
}

export function outcomeLabel(value) {
  return known(`outcome.${value}`, value);
}

export function alertLabel(value) {
  return known(`alert.${value}`, value);
}

export function indicatorLabel(value) {
  return known(`ind.${value}`, value);
}

function known(key, fallback) {
  const text = t(key);
  return text === key ? String(fallback ?? t("chart.unknown")) : text;
}
