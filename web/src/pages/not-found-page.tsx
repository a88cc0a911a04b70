import { Button, EmptyState } from '@mantine/core';
import { IconMapSearch } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  // A list answers 404 only when its organisation does not exist (or is not the operator's).
  const orgMissing = what.endsWith(' list') || what === 'organisation';
  return (
    <EmptyState
      mt={80}
      variant="light"
      icon={<IconMapSearch size={26} />}
      title={orgMissing ? 'Organisation not found' : `This ${what} does not exist`}
      description={orgMissing
        ? 'This organisation does not exist, or you are not a member of it. Pick one of yours from the organisation switcher.'
        : 'It may have been deleted, or it belongs to another organisation.'}
    >
      <EmptyState.Actions>
        <Button component={Link} to="/" variant="light">Back to the console</Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
