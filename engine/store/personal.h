/* personal: recognizes personal data (152-ФЗ «О персональных данных») in
 * the files offices send, so that none of it reaches the store: columns
 * whose header names a person's name, contacts or identity documents, and
 * values that look like a full name, a phone number, an e-mail address or
 * a СНИЛС. pdmon keeps workers as pseudonymous ids only. The functions
 * never copy or print the value they look at. */
#ifndef PDMON_PERSONAL_H
#define PDMON_PERSONAL_H

/* What a column header says it holds when that is personal data ("a full
 * name", "a phone number", ...), or NULL. Contacts (address, phone, e-mail)
 * of an organization are not personal: legal_entity is 1 for files that
 * describe organizations, communities, documents and events. */
const char *personal_header_reason(const char *header, int legal_entity);

/* What a value looks like when it is personal data ("a full name",
 * "an e-mail address", "a phone number", "a СНИЛС"), or NULL. */
const char *personal_value_reason(const char *value);

/* 1 when value looks like a person's name: "Иванова Мария Петровна",
 * "Иванова М.П.", "М.П. Иванова". */
int personal_looks_like_name(const char *value);

#endif
