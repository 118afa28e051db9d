"""The language of the user interface: Dutch (``nl``) or the English source strings.

Every visible string goes through Qt's translation (``self.tr`` in QObjects,
``QCoreApplication.translate`` elsewhere); :func:`install_translator` loads the compiled
catalogue (``webcare_nl.qm``) and Qt's own (``qtbase_nl.qm``: standard buttons, context
menus) into the application. The choice is ``"system"`` (follow the system locale: Dutch gives
``nl``, anything else English), ``"nl"`` or ``"en"``; it comes from ``webcare --language`` or
the setting ``ui/language``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

log = logging.getLogger("webcare.ui.i18n")

SETTING = "ui/language"
CHOICES = ("system", "nl", "en")
TRANSLATED = ("nl",)  # languages with a catalogue; English is the source text
_TRANSLATOR_NAME = "webcare-translator"


def translations_dirs() -> list[Path]:
    """Where ``webcare_<lang>.qm`` may live: in the installed package, or in the source tree."""
    package = Path(__file__).resolve().parents[1]
    return [package / "translations", package.parent / "resources" / "translations"]


def catalogue(language: str) -> Path | None:
    """The compiled catalogue of ``language``, or None when there is none."""
    for folder in translations_dirs():
        path = folder / f"webcare_{language}.qm"
        if path.is_file():
            return path
    return None


def is_dutch(locale: QLocale) -> bool:
    if locale.language() == QLocale.Language.Dutch:
        return True
    ui_languages = locale.uiLanguages()
    return bool(ui_languages) and ui_languages[0].lower().replace("_", "-").split("-")[0] == "nl"


def resolve(choice: str | None, system: QLocale | None = None) -> str:
    """``"nl"`` or ``"en"`` for a choice; ``"system"`` (or anything unknown) asks the locale."""
    wanted = (choice or "system").strip().lower()
    if wanted in ("nl", "en"):
        return wanted
    return "nl" if is_dutch(system if system is not None else QLocale.system()) else "en"


def language_setting(settings: QSettings) -> str:
    """The stored choice (``ui/language``), ``"system"`` when unset or unknown."""
    value = str(settings.value(SETTING, "system") or "system").strip().lower()
    return value if value in CHOICES else "system"


def installed_language(app: QCoreApplication) -> str:
    """The language the application's installed catalogue is for (``"en"`` without one)."""
    for translator in _ours(app):
        if translator.property("webcareLanguage"):
            return str(translator.property("webcareLanguage"))
    return "en"


def _ours(app: QCoreApplication) -> list[QTranslator]:
    return [t for t in app.findChildren(QTranslator) if t.objectName() == _TRANSLATOR_NAME]


def install_translator(app: QCoreApplication, language: str | None) -> str:
    """Install the catalogues for ``language`` (a choice, see :func:`resolve`) into ``app``.

    Earlier Webcare translators are removed first, so calling it again switches the language
    for widgets created afterwards. Returns the language in effect: ``"nl"`` or ``"en"`` (also
    when the Dutch catalogue is missing, which is logged).
    """
    for old in _ours(app):
        app.removeTranslator(old)
        old.setParent(None)  # Python owns it now: gone with the last reference
    code = resolve(language)
    if code not in TRANSLATED:
        return "en"
    path = catalogue(code)
    own = QTranslator(app)
    if path is None or not own.load(str(path)):
        log.warning("no usable translation for %r (looked in %s)", code, translations_dirs())
        own.deleteLater()
        return "en"
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    base = QTranslator(app)
    if base.load(f"qtbase_{code}", qt_dir):
        base.setObjectName(_TRANSLATOR_NAME)
        app.installTranslator(base)
    else:
        base.deleteLater()
    own.setObjectName(_TRANSLATOR_NAME)
    own.setProperty("webcareLanguage", code)
    app.installTranslator(own)  # installed last: searched first
    return code
