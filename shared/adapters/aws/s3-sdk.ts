/**
 * The parts of the S3 SDK Hookline uses. Only clients.ts `s3Client()` imports this module, with a
 * dynamic import on first use: a function that never touches S3 on a request (the receiver below
 * the claim-check size, most API routes) does not load or evaluate the S3 client at cold start.
 */
export { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
