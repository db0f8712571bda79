; Mizan's Windows installer (NSIS 3). `make package-windows` builds it with makensis, passing:
;   APP_NAME      the program's name (FyneApp.toml's Name)
;   APP_VERSION   its version (FyneApp.toml's Version), FILE_VERSION the same as a.b.c.build
;   APP_WEBSITE   FyneApp.toml's Website
;   EXE           the mizan.exe to install, ICON the .ico of the installer and uninstaller
;   OUTFILE       the setup executable to write
;
; It installs for the current user only, without administrator rights, under
; %LocalAppData%\Programs\Mizan, with a Start menu shortcut, an optional desktop shortcut and an
; uninstaller listed in Settings › Apps. Uninstalling removes the program and its shortcuts and
; leaves the merchant's books (%LocalAppData%\Mizan) where they are. `setup.exe /S` installs the
; default components silently; `uninstall.exe /S` removes them silently.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
; An earlier install's folder, when the user chose another one.
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${APP_VERSION}"

VIProductVersion "${FILE_VERSION}"
VIFileVersion "${FILE_VERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${APP_VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${APP_VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} setup"
VIAddVersionKey /LANG=0 "CompanyName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "LegalCopyright" ""
VIAddVersionKey /LANG=0 "Comments" "${APP_WEBSITE}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\mizan.exe"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "$(UninstalledTitle)"
!define MUI_FINISHPAGE_TEXT "$(BooksKept)"
!insertmacro MUI_UNPAGE_FINISH

; The installer speaks Windows' language when it is one of these, else the first.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Arabic"

LangString SectionProgram ${LANG_ENGLISH} "${APP_NAME} and its Start menu shortcut"
LangString SectionProgram ${LANG_ARABIC} "ميزان واختصاره في قائمة ابدأ"
LangString SectionDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SectionDesktop ${LANG_ARABIC} "اختصار على سطح المكتب"
LangString UninstalledTitle ${LANG_ENGLISH} "${APP_NAME} is removed"
LangString UninstalledTitle ${LANG_ARABIC} "أُزيل ميزان"
LangString BooksKept ${LANG_ENGLISH} "Your books are kept: they are in $LOCALAPPDATA\${APP_NAME}, with Mizan's logs in its Logs folder and the demo's books in $LOCALAPPDATA\${APP_NAME}-demo. Installing Mizan again opens them as they were. Delete those folders yourself only if you no longer need your books.$\r$\n$\r$\nStore passwords and tokens stay in the Windows Credential Manager under ${APP_NAME}: remove a connection in Mizan to delete its own."
LangString BooksKept ${LANG_ARABIC} "دفاترك باقية: هي في $LOCALAPPDATA\${APP_NAME}، وسجلات ميزان في مجلد Logs داخله، ودفاتر التجربة في $LOCALAPPDATA\${APP_NAME}-demo. وإذا ثبّتَّ ميزان من جديد فتح دفاترك كما كانت. لا تحذف هذه المجلدات بنفسك إلا إذا لم تعد تحتاج إلى دفاترك.$\r$\n$\r$\nتبقى كلمات مرور المتاجر ورموزها في مدير بيانات الاعتماد في Windows باسم ${APP_NAME}: احذف الاتصال في ميزان ليُحذف ما يخصه منها."

Section "!$(SectionProgram)" SecProgram
	SectionIn RO
	SetOutPath "$INSTDIR"
	File "/oname=mizan.exe" "${EXE}"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\mizan.exe" "" "$INSTDIR\mizan.exe" 0

	; Settings › Apps (and Programs and Features) for this user.
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${APP_VERSION}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$\"$INSTDIR\mizan.exe$\",0"
	WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP_NAME}"
	WriteRegStr HKCU "${UNINST_KEY}" "URLInfoAbout" "${APP_WEBSITE}"
	WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\""
	WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" "$\"$INSTDIR\uninstall.exe$\" /S"
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

Section "$(SectionDesktop)" SecDesktop
	CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\mizan.exe" "" "$INSTDIR\mizan.exe" 0
SectionEnd

; Only what the installer put there is removed: never the folder's other files, and never the
; books, which live elsewhere.
Section "Uninstall"
	Delete "$SMPROGRAMS\${APP_NAME}.lnk"
	Delete "$DESKTOP\${APP_NAME}.lnk"
	Delete "$INSTDIR\mizan.exe"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	DeleteRegKey HKCU "${UNINST_KEY}"
	DetailPrint "$(BooksKept)"
SectionEnd
