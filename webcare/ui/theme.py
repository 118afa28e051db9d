"""The look of the client: a calm light theme with clear state colours."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

STYLESHEET = """
QMainWindow, QDialog { background: #f6f7f9; }
QListWidget#views { background: #1f2a37; color: #e5e9f0; border: none; font-size: 14px;
                    padding-top: 8px; }
QListWidget#views::item { padding: 9px 14px; border-radius: 6px; margin: 1px 6px; }
QListWidget#views::item:selected { background: #3b82f6; color: white; }
QListWidget#views::item:hover:!selected { background: #2c3a4b; }
QLineEdit#search { padding: 6px 8px; border: 1px solid #cfd6df; border-radius: 6px;
                   background: white; }
QTableView#queue { background: white; alternate-background-color: #f9fafb; border: 1px solid
                   #e2e6eb; selection-background-color: #dbeafe; selection-color: #111827; }
QHeaderView::section { background: #eef1f5; border: none; border-bottom: 1px solid #dde2e8;
                       padding: 5px 6px; font-weight: 600; color: #374151; }
QWidget#detailPane { background: #ffffff; }
QLabel#authorName { font-size: 17px; font-weight: 700; color: #111827; }
QLabel#authorProfile { color: #6b7280; }
QLabel#presence { padding: 6px 8px; border-radius: 6px; background: #eef2f7; color: #374151; }
QLabel#presence[state="mine"] { background: #dcfce7; color: #14532d; }
QLabel#presence[state="other"] { background: #fde7d9; color: #7c2d12; }
QLabel#presence[state="final"] { background: #e5e7eb; color: #4b5563; }
QWidget#conversationInner { background: #ffffff; }
QFrame#msg_mention { background: #f3f4f6; border: 1px solid #e5e7eb; border-radius: 10px;
                     margin-right: 60px; }
QFrame#msg_mention[current="true"] { border: 2px solid #3b82f6; }
QFrame#msg_reply { background: #e0edff; border: 1px solid #c7dcff; border-radius: 10px;
                   margin-left: 60px; }
QFrame#msg_note { background: #fff7d6; border: 1px dashed #e5c96b; border-radius: 10px;
                  margin-left: 60px; }
QFrame#msg_outbox { background: #f1f5f9; border: 1px dashed #94a3b8; border-radius: 10px;
                    margin-left: 60px; }
QFrame#msg_outbox[state="rejected"] { background: #fee2e2; border: 1px solid #f87171; }
QLabel#msgHeader { color: #6b7280; font-size: 11px; }
QLabel#msgDetail { color: #b91c1c; font-weight: 600; }
QPlainTextEdit#composerEditor { border: 1px solid #cfd6df; border-radius: 6px; background: white;
                                padding: 4px; }
QPlainTextEdit#composerEditor[note="true"] { background: #fff7d6; }
QLabel#composerPreview { color: #4b5563; font-style: italic; }
QLabel#composerNotice { color: #9a3412; font-weight: 600; }
QLabel#charCounter { color: #6b7280; }
QLabel#charCounter[over="true"] { color: #b91c1c; font-weight: 700; }
QPushButton { padding: 5px 12px; border-radius: 6px; border: 1px solid #cfd6df;
              background: white; }
QPushButton:hover { background: #f3f4f6; }
QPushButton:disabled { color: #9ca3af; }
QPushButton#sendButton { background: #2563eb; color: white; border: none; font-weight: 600; }
QPushButton#sendButton:disabled { background: #93c5fd; }
QLabel#banner { background: #dbeafe; color: #1e3a8a; padding: 6px 10px; border-radius: 6px; }
QLabel#syncState[online="true"] { color: #15803d; }
QLabel#syncState[online="false"] { color: #b45309; }
QLabel#loginError { color: #b91c1c; }
QLabel#keyringNote { color: #92400e; }
QLabel#templateProblem, QLabel#reportStatus { color: #b91c1c; }
QLabel#templateConflict { background: #fef3c7; color: #78350f; padding: 6px; border-radius: 6px; }
QLabel#reportSummary { font-size: 13px; font-weight: 600; color: #1f2937; }
QLabel#blockTitle { font-weight: 600; color: #374151; }
QLabel#emptyState { color: #9ca3af; font-size: 15px; }
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
