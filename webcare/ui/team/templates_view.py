"""The admin's template manager: edit, duplicate, archive, import/export, usage counts.

Concurrent edits are resolved by version: a save based on an older version is refused by the
server (412); the editor keeps your text and shows the newer one, and you choose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from webcare.domain import template_io
from webcare.domain.errors import TemplateError, VersionConflict, WebcareError
from webcare.domain.templates import (
    MAX_ASK_LABEL,
    SAMPLE_CONTEXT,
    VARIABLES,
    AskProblem,
    BodyCheck,
    TemplateFields,
    check_body,
    render,
    validate_body,
)
from webcare.net.team_api import TeamApi
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import TableBlock, error_text
from webcare.ui.widgets.conversation import plain_label


class TemplatesView(QWidget):
    loaded = Signal()
    saved = Signal(object)  # the template as stored
    exported = Signal(str)  # the file written

    def __init__(self, runner: TaskRunner, api: TeamApi, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.templates: list[dict[str, Any]] = []
        self.usage: dict[int, int] = {}
        self.current: dict[str, Any] | None = None  # what the editor was loaded from
        self.conflict: dict[str, Any] | None = None

        self.list = TableBlock(self.tr("Templates"), "templates", self)
        self.list.raw_rows = lambda: [
            ["title", "language", "shortcut", "uses", "archived"],
            *(
                [
                    t["title"],
                    t["language"],
                    t["shortcut"],
                    self.usage.get(t["id"], 0),
                    t["archived"],
                ]
                for t in self.templates
            ),
        ]
        self.list.set_empty_text(
            self.tr("There are no templates yet."),
            self.tr("Press New to write the first canned answer, or Import… a JSON or CSV file."),
        )
        self.new_button = QPushButton(self.tr("New"), self)
        self.duplicate_button = QPushButton(self.tr("Duplicate"), self)
        self.archive_button = QPushButton(self.tr("Archive"), self)
        self.import_button = QPushButton(self.tr("Import…"), self)
        self.export_json = QPushButton(self.tr("Export JSON…"), self)
        left_buttons = QHBoxLayout()
        for b in (
            self.new_button,
            self.duplicate_button,
            self.archive_button,
            self.import_button,
            self.export_json,
        ):
            left_buttons.addWidget(b)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list, 1)
        ll.addLayout(left_buttons)

        self.title = QLineEdit(self)
        self.language = QComboBox(self)
        self.language.addItem(self.tr("Dutch (nl)"), "nl")
        self.language.addItem(self.tr("English (en)"), "en")
        self.shortcut = QLineEdit(self)
        self.shortcut.setPlaceholderText(self.tr("one word, e.g. dm"))
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText(self.tr("comma separated"))
        self.body = QPlainTextEdit(self)
        self.body.setAccessibleName(self.tr("Template text"))
        self.body.setPlaceholderText(self.tr("e.g. Hoi {{customer_name}}, …  {{agent_signature}}"))
        self.variables = plain_label(
            self.tr("Variables: ") + ", ".join("{{" + v + "}}" for v in VARIABLES) + "\n"
            + self.tr("To have the agent type a value before sending, write {example}.").format(
                example="{{ask:" + self.tr("order number") + "}}"
            ),
            selectable=True,
        )  # fmt: skip
        self.variables.setObjectName("templateVariables")
        # what the text uses: the variables filled in, the values the agent is asked for
        self.uses = plain_label("", selectable=True)
        self.uses.setObjectName("templateUses")
        self.uses.setVisible(False)
        self.problem = plain_label("", selectable=True)
        self.problem.setObjectName("templateProblem")
        self.hint = plain_label(
            self.tr("A new template: give it a title and write its text, then Save."),
            selectable=False,
        )
        self.hint.setObjectName("hint")
        # a new template is checked once you type in a field (the title: once you typed the
        # title) or press Save, not before: an empty form is not a mistake
        self._loading = False
        self._touched: set[str] = set()
        self._save_tried = False
        self.preview = plain_label("", selectable=True)
        self.preview.setObjectName("templatePreview")
        self.conflict_note = plain_label("", selectable=True)
        self.conflict_note.setObjectName("templateConflict")
        self.take_theirs = QPushButton(self.tr("Load their version"), self)
        self.keep_mine = QPushButton(self.tr("Save mine over it"), self)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.status = plain_label("", selectable=True)
        for w, name in (
            (self.title, self.tr("Title")),
            (self.shortcut, self.tr("Shortcut")),
            (self.tags, self.tr("Tags")),
            (self.language, self.tr("Language")),
        ):
            w.setAccessibleName(name)
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Shortcut"), self.shortcut)
        form.addRow(self.tr("Tags"), self.tags)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(form)
        rl.addWidget(self.body, 1)
        rl.addWidget(self.variables)
        rl.addWidget(self.uses)
        rl.addWidget(self.problem)
        rl.addWidget(self.hint)
        rl.addWidget(plain_label(self.tr("Preview with sample data:"), selectable=False))
        rl.addWidget(self.preview)
        conflict_row = QHBoxLayout()
        conflict_row.addWidget(self.take_theirs)
        conflict_row.addWidget(self.keep_mine)
        conflict_row.addStretch(1)
        rl.addWidget(self.conflict_note)
        rl.addLayout(conflict_row)
        save_row = QHBoxLayout()
        save_row.addWidget(self.status, 1)
        save_row.addWidget(self.save_button)
        rl.addLayout(save_row)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        for editor, field in ((self.title, "title"), (self.shortcut, "shortcut"),
                              (self.tags, "tags")):  # fmt: skip
            editor.textChanged.connect(lambda _t, f=field: self._edited(f))
        self.body.textChanged.connect(lambda: self._edited("body"))
        self.language.currentIndexChanged.connect(self._validate)
        self.list.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.new_template)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.save_button.clicked.connect(self.save)
        self.take_theirs.clicked.connect(self._take_theirs)
        self.keep_mine.clicked.connect(self._keep_mine)
        self.import_button.clicked.connect(self._choose_import)
        self.export_json.clicked.connect(self._choose_export)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self._show_conflict(None)
        self.new_template()

    # --- loading ----------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        def load() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            return self.api.client.templates(include_archived=True), self.api.report(
                "template-usage"
            )

        def show(result: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
            self._show(result[0], result[1], select_id)

        self.runner.net(load, show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _show(
        self, templates: list[dict[str, Any]], usage: list[dict[str, Any]], select_id: int | None
    ) -> None:
        self.templates = sorted(templates, key=lambda t: (t["archived"], t["title"].lower()))
        self.usage = {u["template_id"]: u["total"] for u in usage}
        self.list.model.set_rows(
            [self.tr("title"), self.tr("lang"), self.tr("shortcut"), self.tr("uses"), ""],
            [
                [
                    t["title"],
                    t["language"],
                    t["shortcut"],
                    self.usage.get(t["id"], 0),
                    self.tr("archived") if t["archived"] else "",
                ]
                for t in self.templates
            ],
        )
        if select_id is not None:
            for row, t in enumerate(self.templates):
                if t["id"] == select_id:
                    self.list.view.selectRow(row)
        self.loaded.emit()

    def _row_changed(self) -> None:
        index = self.list.view.currentIndex()
        if index.isValid() and index.row() < len(self.templates):
            self.load_into_editor(self.templates[index.row()])

    # --- editing ----------------------------------------------------------------------------

    def load_into_editor(self, template: dict[str, Any] | None) -> None:
        self.current = template
        self._show_conflict(None)
        t = template or {"title": "", "body": "", "language": "nl", "shortcut": "", "tags": []}
        self._loading = True
        try:
            self.title.setText(t["title"])
            self.body.setPlainText(t["body"])
            self.language.setCurrentIndex(max(0, self.language.findData(t["language"])))
            self.shortcut.setText(t["shortcut"])
            self.tags.setText(", ".join(t["tags"]))
        finally:
            self._loading = False
        self._touched = set()
        self._save_tried = False
        self.archive_button.setText(
            self.tr("Restore") if template and template["archived"] else self.tr("Archive")
        )
        self.archive_button.setEnabled(template is not None)
        self.duplicate_button.setEnabled(template is not None)
        self.status.setText("")
        self._validate()

    def new_template(self) -> None:
        self.list.view.clearSelection()
        self.load_into_editor(None)
        self.title.setFocus()

    def duplicate(self) -> None:
        if self.current is None:
            return
        copy = {
            **self.current,
            "title": self.tr("{t} (copy)").format(t=self.current["title"]),
            "shortcut": "",
        }
        self.list.view.clearSelection()
        self.load_into_editor(None)
        self.title.setText(copy["title"])
        self.body.setPlainText(copy["body"])
        self.language.setCurrentIndex(max(0, self.language.findData(copy["language"])))
        self.tags.setText(", ".join(copy["tags"]))

    def fields(self) -> TemplateFields:
        return TemplateFields.create(
            title=self.title.text(),
            body=self.body.toPlainText(),
            language=str(self.language.currentData()),
            shortcut=self.shortcut.text(),
            tags=self.tags.text().split(","),
        )

    def _edited(self, field: str) -> None:
        if not self._loading:
            self._touched.add(field)
        self._validate()

    def _words(self, error: TemplateError) -> str:
        """``error`` in the interface's language when it is about the text's placeholders
        (the same words as the server's in English)."""
        body = self.body.toPlainText()
        try:
            validate_body(body)
        except TemplateError as own:
            if own.message == error.message:
                return self._body_words(check_body(body)) or error.message
        return error.message

    def _body_words(self, check: BodyCheck) -> str:
        if check.ask_problems:
            return " ".join(self._ask_words(p, label) for p, label in check.ask_problems)
        if check.unknown:
            return self.tr(
                "Unknown variable {names}. Known variables: {known}. To have the agent fill in"
                " a value, write {example}."
            ).format(
                names=", ".join("{{" + n + "}}" for n in check.unknown),
                known=", ".join("{{" + n + "}}" for n in sorted(VARIABLES)),
                example="{{ask:" + check.unknown[0] + "}}",
            )
        if check.unbalanced:
            return self.tr(
                "The template has an unbalanced '{open}' or '{close}'. Write variables as"
                " {example}."
            ).format(open="{{", close="}}", example="{{agent_name}}")
        return ""

    def _ask_words(self, problem: AskProblem, label: str) -> str:
        shown = "{{ask:" + label + "}}"
        if problem is AskProblem.EMPTY:
            return self.tr(
                "{placeholder} has no label. Write what the agent fills in, e.g. {example}."
            ).format(placeholder=shown, example="{{ask:" + self.tr("order number") + "}}")
        if problem is AskProblem.BRACES:
            return self.tr(
                "The label of {placeholder} contains a brace; write it without {open} or {close}."
            ).format(placeholder=shown, open="{", close="}")
        if problem is AskProblem.UNPRINTABLE:
            return self.tr(
                "The label of {placeholder} must be one line of ordinary characters."
            ).format(placeholder=shown)
        return self.tr(
            "The label of {placeholder} is longer than {n} characters; a few words are enough."
        ).format(placeholder=shown, n=MAX_ASK_LABEL)

    def _show_uses(self) -> None:
        """The check: which variables the text fills in and what it asks the agent for."""
        check = check_body(self.body.toPlainText())
        lines = []
        if check.variables:
            lines.append(self.tr("Fills in: {names}").format(
                names=", ".join("{{" + n + "}}" for n in check.variables)))  # fmt: skip
        if check.asks:
            lines.append(self.tr("Asks the agent for: {labels}").format(
                labels=", ".join(a.label for a in check.asks)))  # fmt: skip
        self.uses.setText("\n".join(lines))
        self.uses.setVisible(bool(lines))

    def _check(self) -> tuple[TemplateFields | None, str]:
        """The valid fields, or what to say about them: "" while nothing the user typed is
        wrong yet (a new template, empty or with a text and no title typed so far; Save
        checks everything)."""
        try:
            return self.fields(), ""
        except TemplateError as exc:
            problem = self._words(exc)
        if self.current is not None or self._save_tried:
            return None, problem
        if not self._touched:
            return None, ""
        if "title" in self._touched or self.title.text().strip():
            return None, problem
        try:  # the rest, as it would be checked with a title
            TemplateFields.create(
                title="-",
                body=self.body.toPlainText(),
                language=str(self.language.currentData()),
                shortcut=self.shortcut.text(),
                tags=self.tags.text().split(","),
            )
        except TemplateError as exc:
            return None, self._words(exc)
        return None, ""

    def _validate(self) -> bool:
        fields, problem = self._check()
        self._show_uses()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        quiet = fields is None and not problem
        self.hint.setVisible(quiet)
        self.save_button.setEnabled(fields is not None or quiet)  # Save says what is missing
        if fields is not None:
            self.preview.setText(render(fields.body, SAMPLE_CONTEXT))
        else:
            body = self.body.toPlainText()
            self.preview.setText(render(body, SAMPLE_CONTEXT) if quiet and body.strip() else "")
        return fields is not None

    def _payload(self, fields: TemplateFields) -> dict[str, Any]:
        return {
            "title": fields.title,
            "body": fields.body,
            "language": fields.language,
            "shortcut": fields.shortcut,
            "tags": list(fields.tags),
        }

    def save(self, *, version: int | None = None) -> None:
        self._save_tried = True
        if not self._validate():
            return
        payload = self._payload(self.fields())
        current = self.current
        if current is None:
            call = lambda: self.api.create_template(payload)  # noqa: E731
        else:
            base = version if version is not None else int(current["version"])
            call = lambda: self.api.update_template(current["id"], payload, version=base)  # noqa: E731
        self.status.setText(self.tr("Saving…"))
        self.runner.net(call, self._saved, self._save_failed)

    def _saved(self, template: dict[str, Any]) -> None:
        self.status.setText(self.tr("Saved (version {v}).").format(v=template["version"]))
        self.current = template
        self._show_conflict(None)
        self.saved.emit(template)
        self.refresh(select_id=template["id"])

    def _save_failed(self, error: BaseException) -> None:
        if isinstance(error, VersionConflict):
            self._show_conflict(error.current)
            self.status.setText(error.message)
            return
        self.status.setText(error_text(error))

    def _show_conflict(self, newer: dict[str, Any] | None) -> None:
        self.conflict = newer
        for w in (self.conflict_note, self.take_theirs, self.keep_mine):
            w.setVisible(newer is not None)
        if newer is not None:
            self.conflict_note.setText(
                self.tr(
                    "Someone else saved version {v} meanwhile. Their text:\n\n{body}\n\n"
                    "Your text is still in the editor; nothing was overwritten."
                ).format(v=newer["version"], body=newer["body"])
            )

    def _take_theirs(self) -> None:
        if self.conflict is not None:
            self.load_into_editor(self.conflict)

    def _keep_mine(self) -> None:
        if self.conflict is not None:
            self.save(version=int(self.conflict["version"]))

    def toggle_archived(self) -> None:
        current = self.current
        if current is None:
            return
        archive = not current["archived"]
        self.runner.net(
            lambda: self.api.set_template_archived(
                current["id"], archive, version=int(current["version"])
            ),
            self._saved,
            self._save_failed,
        )

    # --- import / export --------------------------------------------------------------------

    def _choose_import(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self, self.tr("Import templates"), "", self.tr("Templates (*.json *.csv)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Create every valid template of a JSON or CSV file; report the rest."""
        try:
            fields, problems = template_io.parse(
                path.read_text(encoding="utf-8"), path.suffix.lower().lstrip(".")
            )
        except (OSError, UnicodeDecodeError, WebcareError) as exc:
            self.status.setText(error_text(exc) if isinstance(exc, WebcareError) else str(exc))
            return
        payloads = [self._payload(f) for f in fields]

        def create_all() -> list[str]:
            failures = list(problems)
            for payload in payloads:
                try:
                    self.api.create_template(payload)
                except WebcareError as exc:
                    failures.append(f"{payload['title']}: {exc.message}")
            return failures

        def done(failures: list[str]) -> None:
            created = len(payloads) - (len(failures) - len(problems))
            text = self.tr("Imported %n template(s).", "", created)
            if failures:
                text += " " + self.tr("Not imported: {f}").format(f="; ".join(failures))
            self.status.setText(text)
            self.refresh()

        self.runner.net(create_all, done, self._failed)

    def _choose_export(self) -> None:
        path, _f = QFileDialog.getSaveFileName(
            self,
            self.tr("Export templates"),
            "templates.json",
            self.tr("JSON (*.json);;CSV (*.csv)"),
        )
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> None:
        fmt = "csv" if path.suffix.lower() == ".csv" else "json"
        active = [t for t in self.templates if not t["archived"]]
        try:
            path.write_text(template_io.dump(active, fmt), encoding="utf-8")
        except OSError as exc:
            self.status.setText(
                self.tr("Could not save {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc
                )
            )
            return
        self.status.setText(
            self.tr("Exported %n template(s) to {p}.", "", len(active)).format(p=path)
        )
        self.exported.emit(str(path))
