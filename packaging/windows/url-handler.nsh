; Registers getbill:// links with GetBill Reports (and removes the registration on uninstall).
!macro GetBillRegisterUrlHandler
  WriteRegStr HKCU "Software\Classes\getbill" "" "URL:GetBill report link"
  WriteRegStr HKCU "Software\Classes\getbill" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\getbill\DefaultIcon" "" "$INSTDIR\bin\getbill-reports.exe,0"
  WriteRegStr HKCU "Software\Classes\getbill\shell\open\command" "" '"$INSTDIR\bin\getbill-reports.exe" "%1"'
!macroend

!macro GetBillUnregisterUrlHandler
  DeleteRegKey HKCU "Software\Classes\getbill"
!macroend
