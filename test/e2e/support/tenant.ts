import { apiCreateUser, apiFirstSignIn, findUser } from './api.ts'
import type { RunningServer } from './servers.ts'

export interface Person {
  id: string
  email: string
  password: string
}

export interface Tenant {
  adminToken: string
  admin: Person
  passwordAdmin: Person
  user: Person
}

/**
 * A tenant set up through the API (the browser journey covers doing it on screen): the bootstrap
 * admin past the forced change, a password admin and a user, each with a password of their own.
 */
export async function seedTenant(server: RunningServer): Promise<Tenant> {
  const { baseUrl, admin } = server
  const adminPassword = 'granite orchard kettle 5512'
  const adminToken = await apiFirstSignIn(
    baseUrl,
    admin.email,
    admin.temporaryPassword,
    adminPassword,
  )
  const adminId = (await findUser(baseUrl, adminToken, admin.email)).id
  const passwordAdmin = await createWithPassword(server, adminToken, {
    email: 'helpdesk@example.com',
    displayName: 'Help Desk',
    role: 'password_admin',
    password: 'willow tractor saffron 2093',
  })
  const user = await createWithPassword(server, adminToken, {
    email: 'member@example.com',
    displayName: 'Member',
    role: 'user',
    password: 'pebble comet orchid 6617',
  })
  return {
    adminToken,
    admin: { id: adminId, email: admin.email, password: adminPassword },
    passwordAdmin,
    user,
  }
}

async function createWithPassword(
  server: RunningServer,
  adminToken: string,
  person: { email: string; displayName: string; role: string; password: string },
): Promise<Person> {
  const { password, ...user } = person
  const created = await apiCreateUser(server.baseUrl, adminToken, user)
  await apiFirstSignIn(server.baseUrl, person.email, created.temporaryPassword, password)
  return { id: created.id, email: person.email, password }
}
