; NSIS installer of the Webcare desktop app for Windows. UNTESTED on Windows: there is no
; Windows machine in this environment. What is checked here: it compiles with makensis 3.08 on
; Linux, warnings as errors, against a stand-in folder (tests/packaging/test_desktop_files.py):
;   makensis -WX -DVERSION=0.1.0 -DBUNDLE_DIR=/tmp/stand-in -DOUTFILE=/tmp/x.exe webcare.nsi
; The installer it makes was never run, and never built from a real Windows bundle.
;
; Input: the one-folder bundle built ON WINDOWS by PyInstaller (packaging/webcare.spec), i.e.
; dist\webcare\ with webcare.exe (console: the server's command line) and webcare-gui.exe
; (windowed: the shortcuts). Build from the repository root:
;
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\webcare.spec
;   makensis /DVERSION=0.1.0 packaging\windows\webcare.nsi     ; VERSION = webcare/__init__.py
;
; Output: dist\webcare-0.1.0-setup.exe. It asks whether to install for all users (Program Files,
; needs administrator rights) or only for the current user (%LOCALAPPDATA%\Programs, no
; rights needed); silently: setup.exe /S /AllUsers or /S /CurrentUser.
; Start menu shortcut always, desktop shortcut optional, uninstaller in "Apps & features".

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "Pass the version: makensis /DVERSION=0.1.0 packaging\windows\webcare.nsi"
!endif
!define APP_NAME "Webcare"
!define APP_ID "org.webcare.Webcare"
!define PUBLISHER "Webcare contributors"
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\..\dist\webcare"        ; relative to this script
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\webcare-${VERSION}-setup.exe"
!endif
!define GUI_EXE "webcare-gui.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

; --- per-machine or per-user (MultiUser.nsh) --------------------------------------------------
!define MULTIUSER_EXECUTIONLEVEL Highest          ; admin when available, else per-user
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE         ; /AllUsers or /CurrentUser
!define MULTIUSER_INSTALLMODE_INSTDIR "${APP_NAME}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "Software\${APP_ID}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "Software\${APP_ID}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallDir"
!define MULTIUSER_USE_PROGRAMFILES64              ; 64-bit Python, 64-bit bundle
!include MultiUser.nsh
!include MUI2.nsh
!include x64.nsh

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
BrandingText "${APP_NAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "LegalCopyright" "GPL-3.0-or-later"

; --- pages ------------------------------------------------------------------------------------
!define MUI_ABORTWARNING
!define MUI_ICON "${NSISDIR}\Contrib\Graphics\Icons\modern-install.ico"
!define MUI_UNICON "${NSISDIR}\Contrib\Graphics\Icons\modern-uninstall.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!if /FileExists "..\..\LICENSE"                  ; GPL-3.0-or-later text, when the tree has it
  !insertmacro MUI_PAGE_LICENSE "..\..\LICENSE"
!endif
!insertmacro MULTIUSER_PAGE_INSTALLMODE          ; "for anyone" or "only for me"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Dutch"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} needs 64-bit Windows."
    Abort
  ${EndIf}
  !insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

; --- sections ---------------------------------------------------------------------------------
Section "${APP_NAME} (required)" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; an upgrade replaces the whole folder: no stale libraries of the previous bundle remain
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}\*.*"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" \
    "$INSTDIR\${GUI_EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Uninstall ${APP_NAME}.lnk" "$INSTDIR\uninstall.exe"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr SHCTX "Software\${APP_ID}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "Software\${APP_ID}" "InstallMode" "$MultiUser.InstallMode"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" \
    '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" \
    '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Desktop shortcut" SecDesktop
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
SectionEnd

LangString DESC_SecApp ${LANG_ENGLISH} "The Webcare desktop app and the webcare command."
LangString DESC_SecApp ${LANG_DUTCH} "De Webcare-app en het commando webcare."
LangString DESC_SecDesktop ${LANG_ENGLISH} "A shortcut on the desktop."
LangString DESC_SecDesktop ${LANG_DUTCH} "Een snelkoppeling op het bureaublad."
!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} $(DESC_SecApp)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} $(DESC_SecDesktop)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; --- uninstaller ------------------------------------------------------------------------------
; Removes the program only: the user's settings (registry HKCU\Software\Webcare), local stores
; (%LOCALAPPDATA%\webcare) and the keyring entry stay, as users expect on reinstall.
Section "Uninstall"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\Uninstall ${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"

  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\webcare.exe"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"                                  ; only if nothing else was put there

  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
  DeleteRegKey SHCTX "Software\${APP_ID}"
SectionEnd
