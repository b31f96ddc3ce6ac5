# What 'cmake --install' puts where, and the Debian package 'cpack -G DEB'
# builds from it (tests/package.sh checks both; CI runs it):
#   bin/pdmon                              the program (its Lua library is inside)
#   share/man/man1/pdmon.1.gz              the manual page (docs/pdmon.1)
#   share/bash-completion/completions/pdmon   completion (scripts/pdmon-completion.bash)
#   share/locale/LANG/LC_MESSAGES/pdmon.mo the message catalogues (po/CMakeLists.txt)
#   share/doc/pdmon/                       README, LICENSE (as copyright), docs/ with docs/ru/
#   share/pdmon/rules, share/pdmon/examples   the rule packs and example data
include(GNUInstallDirs)

install(TARGETS pdmon RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Debian compresses manual pages; gzip -n keeps the package reproducible.
set(PDMON_MAN_GZ ${CMAKE_BINARY_DIR}/pdmon.1.gz)
add_custom_command(
  OUTPUT ${PDMON_MAN_GZ}
  COMMAND gzip -9 -n -c ${CMAKE_SOURCE_DIR}/docs/pdmon.1 > ${PDMON_MAN_GZ}
  DEPENDS ${CMAKE_SOURCE_DIR}/docs/pdmon.1
  COMMENT "Compressing the manual page"
  VERBATIM)
add_custom_target(pdmon_manual ALL DEPENDS ${PDMON_MAN_GZ})
install(FILES ${PDMON_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${CMAKE_SOURCE_DIR}/scripts/pdmon-completion.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME pdmon)

install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        PATTERN "pdmon.1" EXCLUDE)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/rules/ DESTINATION ${CMAKE_INSTALL_DATADIR}/pdmon/rules)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/pdmon/examples
        USE_SOURCE_PERMISSIONS)

set(CPACK_PACKAGE_NAME pdmon)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the pdmon authors")
set(CPACK_PACKAGE_CONTACT "pdmon authors <pdmon@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "rules engine for the municipal system of teachers' professional development")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "pdmon keeps a municipality's data on organizations, staff and their professional\n"
       "development in SQLite, evaluates the criteria and indicators of rule packs written\n"
       "in Lua 5.4 in a sandbox, runs the management cycle and publishes its reports.")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the libraries the binary links (dpkg-shlibdeps), so apt brings them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
