export { Client } from './client';
export { Invoice } from './invoice';
export { catalogModels } from './catalog';
