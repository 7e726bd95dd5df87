/**
 * The vault's certificate contacts (`/certificates/contacts`): PUT replaces the list, GET reads
 * it (404 `ContactsNotFound` when none), DELETE returns the removed list. One data action,
 * `certificatecontacts/write`, for all three (the service has no `certificatecontacts/read`),
 * access policy `managecontacts`.
 * @module
 */
import type { CertificateContact } from "./certificate_store.ts";
import { akvError, requestObject, type VaultRequest } from "./vault_server.ts";
import { isObject } from "../http_util.ts";

const ACTION = "Microsoft.KeyVault/vaults/certificatecontacts/write";

function contactsJson(req: VaultRequest, contacts: CertificateContact[]): Record<string, unknown> {
  return { id: `${req.vault.url}/certificates/contacts`, contacts };
}

/** Reads `{contacts:[{email,name,phone}]}`; a message on error. */
function readContacts(body: Record<string, unknown>): CertificateContact[] | string {
  if (!Array.isArray(body.contacts)) return "Property contacts is required.";
  const contacts: CertificateContact[] = [];
  for (const raw of body.contacts) {
    if (!isObject(raw)) return "Property contacts has invalid value.";
    const contact: CertificateContact = {};
    for (const k of ["email", "name", "phone"] as const) {
      if (raw[k] === undefined || raw[k] === null) continue;
      if (typeof raw[k] !== "string") return `Property contacts.${k} has invalid value.`;
      contact[k] = raw[k] as string;
    }
    contacts.push(contact);
  }
  return contacts;
}

/** Handles `GET`, `PUT` and `DELETE /certificates/contacts`. */
export async function contactsRoute(req: VaultRequest): Promise<Response> {
  const method = req.request.method;
  if (method !== "GET" && method !== "PUT" && method !== "DELETE") return req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
  const denied = req.authorize(ACTION, "");
  if (denied) return denied;
  const store = req.vault.certificates;
  if (method === "PUT") {
    const body = await requestObject(req);
    if (body instanceof Response) return body;
    const contacts = readContacts(body);
    if (typeof contacts === "string") return req.respond(400, akvError("BadParameter", contacts));
    store.contacts = contacts;
    return req.respond(200, contactsJson(req, contacts));
  }
  const contacts = store.contacts;
  if (!contacts) return req.respond(404, akvError("ContactsNotFound", "Contacts not found"));
  if (method === "DELETE") store.contacts = undefined;
  return req.respond(200, contactsJson(req, contacts));
}
